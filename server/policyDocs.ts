/**
 * Markdown documentation of actions, condition keys and operators, from the data tables: one
 * rendering shared by hovers and completion items.
 */
import { KMS_ACTIONS, keySupportsAction, type ActionInfo, type ConditionKeyInfo, type ParsedOperator } from '../src-core/policy/data';

const EFFECTIVE_IN: Record<ActionInfo['effectiveIn'], string> = {
  KP: 'key policies, IAM policies and grants',
  IAM: 'IAM policies only: account-level, a key policy cannot allow it',
  'grant-only': 'grants: the grant decides, not the key policy',
  'service-only': 'the KMS service-linked role only',
};

export function actionMarkdown(a: ActionInfo): string {
  const keys = [...a.conditionKeys, ...(a.callerAccount ? ['kms:CallerAccount'] : []), ...(a.viaService ? ['kms:ViaService'] : [])];
  const lines = [
    `**kms:${a.name}** · ${a.access}`,
    '',
    a.doc,
    '',
    `- Resource: ${a.resource === 'key' ? 'a KMS key' : '`*` (account level)'}`,
    `- Effective in: ${EFFECTIVE_IN[a.effectiveIn]}`,
    `- Cross-account: ${a.crossAccount ? 'yes' : 'no'}`,
  ];
  if (a.keySpecs) lines.push(`- Key specs: ${a.keySpecs.join(', ')}`);
  if (a.keyUsages) lines.push(`- Key usage: ${a.keyUsages.join(', ')}`);
  if (a.needs) lines.push(`- Needs: ${a.needs === 'external-origin' ? 'a key with EXTERNAL origin' : 'a multi-Region key'}`);
  if (keys.length) lines.push(`- Condition keys: ${keys.map((k) => `\`${k}\``).join(', ')}`);
  return lines.join('\n');
}

export function conditionKeyMarkdown(info: ConditionKeyInfo): string {
  const lines = [`**${info.name}** · ${info.type}${info.multi ? ', multi-valued: use ForAnyValue/ForAllValues' : ''}`, '', info.doc];
  if (info.deprecated) lines.push('', `Deprecated: use \`${info.deprecated}\`.`);
  if (info.forbiddenInKeyPolicy) lines.push('', 'KMS rejects a key policy that uses this key.');
  if (info.values) lines.push('', `Values: ${info.values.map((v) => `\`${v}\``).join(', ')}`);
  if (info.range) lines.push('', `Range: ${info.range[0]}–${info.range[1]}`);
  if (Array.isArray(info.actions)) lines.push('', `Supplied by: ${info.actions.map((a) => `kms:${a}`).join(', ')}`);
  else if (info.actions === 'all') lines.push('', 'Present in every request (global key).');
  else lines.push('', `Supplied by: ${Object.keys(KMS_ACTIONS).filter((a) => keySupportsAction(info, a)).length} kms: actions`);
  return lines.join('\n');
}

export function operatorMarkdown(text: string, op: ParsedOperator): string {
  const lines = [`**${text}** · ${op.base.family} operator`, '', op.base.doc];
  if (op.ifExists) lines.push('', '…IfExists: also true when the request has no such key.');
  if (op.qualifier === 'ForAnyValue') lines.push('', 'ForAnyValue: true when at least one request value matches.');
  if (op.qualifier === 'ForAllValues') lines.push('', 'ForAllValues: true when every request value matches (and when the key is absent).');
  return lines.join('\n');
}
