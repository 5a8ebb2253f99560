/**
 * The vocabulary offered by completion, built once from the policy data tables: actions (with the
 * wildcards people write), condition keys, operators, statement elements and statement snippets.
 */
import { CompletionItemKind, CompletionItemTag, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import { CONDITION_KEYS, KMS_ACTIONS, KMS_ACTION_NAMES, OPERATORS, type ConditionKeyInfo } from '../src-core/policy/data';
import { actionMarkdown, conditionKeyMarkdown } from './policyDocs';

/** A completion candidate before it is placed in the document: the JSON string value and how to show it. */
export interface Candidate {
  value: string;
  kind: CompletionItemKind;
  detail?: string;
  documentation?: string;
  /** Snippet body for the string's contents (placeholders allowed); defaults to the value. */
  snippet?: string;
  /** Lower sorts first. */
  rank?: number;
  deprecated?: boolean;
}

/** `kms:Describe*`, `kms:Get*`…: the verb prefixes shared by two or more actions, plus `kms:*`. */
function actionWildcards(): Candidate[] {
  const groups = new Map<string, string[]>();
  for (const name of KMS_ACTION_NAMES) {
    const verb = /^[A-Z][a-z]+/.exec(name)![0];
    groups.set(verb, [...(groups.get(verb) ?? []), name]);
  }
  groups.set('ReEncrypt', ['ReEncryptFrom', 'ReEncryptTo']);
  const out: Candidate[] = [{ value: 'kms:*', kind: CompletionItemKind.Constant, detail: 'every kms: action', rank: 2 }];
  for (const [verb, names] of groups) {
    if (names.length < 2) continue;
    out.push({ value: `kms:${verb}*`, kind: CompletionItemKind.Constant, detail: `${names.length} actions`, documentation: names.map((n) => `- kms:${n}`).join('\n'), rank: 1 });
  }
  return out;
}

export const ACTION_CANDIDATES: readonly Candidate[] = [
  ...KMS_ACTION_NAMES.map((name): Candidate => {
    const a = KMS_ACTIONS[name];
    const keyPolicy = a.effectiveIn === 'KP';
    return { value: `kms:${name}`, kind: CompletionItemKind.Function, detail: keyPolicy ? a.access : `${a.access} · IAM policy only`, documentation: actionMarkdown(a), rank: keyPolicy ? 0 : 3 };
  }),
  ...actionWildcards(),
];

/** Templated keys (`kms:EncryptionContext:${EncryptionContextKey}`) become snippets with a placeholder. */
function keySnippet(info: ConditionKeyInfo): string | undefined {
  const t = info.name.indexOf('${');
  if (t < 0) return undefined;
  const placeholder = info.name.slice(t + 2, info.name.indexOf('}', t));
  return `${info.name.slice(0, t)}\${1:${placeholder}}`;
}

export const CONDITION_KEY_CANDIDATES: readonly Candidate[] = CONDITION_KEYS.map((info) => ({
  value: info.name.replace(/\$\{[^}]*\}/, '…'),
  snippet: keySnippet(info),
  kind: CompletionItemKind.Property,
  detail: `${info.type}${info.multi ? ' (multi-valued)' : ''}`,
  documentation: conditionKeyMarkdown(info),
  rank: info.deprecated ? 3 : info.name.startsWith('kms:') ? 0 : 1,
  deprecated: Boolean(info.deprecated),
}));

export const OPERATOR_CANDIDATES: readonly Candidate[] = Object.values(OPERATORS).flatMap((op) => {
  const variants: Candidate[] = [{ value: op.name, kind: CompletionItemKind.Operator, detail: `${op.family} operator`, documentation: op.doc, rank: 0 }];
  if (op.name !== 'Null') {
    variants.push({ value: `${op.name}IfExists`, kind: CompletionItemKind.Operator, detail: `${op.family} operator, true when the key is absent`, documentation: op.doc, rank: 1 });
    for (const q of ['ForAnyValue', 'ForAllValues']) {
      variants.push({ value: `${q}:${op.name}`, kind: CompletionItemKind.Operator, detail: `${op.family} operator over a multi-valued key`, documentation: op.doc, rank: 2 });
    }
  }
  return variants;
});

export const STATEMENT_ELEMENTS: readonly string[] = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
export const POLICY_ELEMENTS: readonly string[] = ['Version', 'Id', 'Statement'];
export const PRINCIPAL_TYPES: readonly string[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

const USER_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*',
  'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand',
];

function statementSnippet(label: string, statement: Record<string, unknown>, indent: string): CompletionItem {
  // Placeholders are written as @@n:text@@ in the JSON and turned into ${n:text} after stringify.
  const body = JSON.stringify(statement, null, 2)
    .replace(/\$/g, '\\$')
    .replace(/@@(\d):([^@]*)@@/g, (_, n: string, t: string) => `\${${n}:${t}}`)
    .split('\n')
    .join(`\n${indent}`);
  return { label, kind: CompletionItemKind.Snippet, insertTextFormat: InsertTextFormat.Snippet, insertText: body, detail: 'key policy statement' };
}

/** The statements AWS's console writes, with the account and roles as placeholders. */
export function statementSnippets(partition: string, accountId: string, indent: string): CompletionItem[] {
  const root = `arn:${partition}:iam::@@1:${accountId}@@:root`;
  const role = `arn:${partition}:iam::@@1:${accountId}@@:role/@@2:RoleName@@`;
  return [
    statementSnippet('Enable IAM policies (account root)', { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' }, indent),
    statementSnippet('Allow key administrators', { Sid: 'Allow access for Key Administrators', Effect: 'Allow', Principal: { AWS: role }, Action: ADMIN_ACTIONS, Resource: '*' }, indent),
    statementSnippet('Allow use of the key', { Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: role }, Action: USER_ACTIONS, Resource: '*' }, indent),
    statementSnippet('Allow grants for AWS resources', {
      Sid: 'Allow attachment of persistent resources', Effect: 'Allow', Principal: { AWS: role },
      Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }, indent),
    statementSnippet('Allow use only through an AWS service', {
      Sid: 'Allow use through @@3:service@@ only', Effect: 'Allow', Principal: { AWS: role }, Action: USER_ACTIONS, Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': '@@3:service@@.@@4:us-east-1@@.amazonaws.com', 'kms:CallerAccount': '@@1:' + accountId + '@@' } },
    }, indent),
  ];
}

export const DEPRECATED_TAGS: CompletionItemTag[] = [CompletionItemTag.Deprecated];
