/**
 * `.sops.yaml` creation rules (sops config/config.go: `creationRule`, `parseCreationRuleForFile`):
 * the first rule whose `path_regex` matches the file's path relative to the config's folder gives
 * the keys and the encryption options of a new file. Only KMS keys can be written here; a rule that
 * needs other kinds is refused with a clear message rather than applied in part.
 */
import { parse } from 'yaml';
import { SopsError } from './sops-error';
import type { EncryptionPlan } from './document';
import type { KmsRecipient } from './data-key';
import type { EncryptionRules } from './tree';

export const SOPS_CONFIG_NAME = '.sops.yaml';

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

const OTHER_KINDS = ['pgp', 'age', 'gcp_kms', 'azure_keyvault', 'hc_vault_transit_uri', 'hckms'] as const;

/** kms/keysource.go `NewMasterKeyFromArn`: `arn[+role-arn]`, spaces ignored. */
function recipientFromArn(text: string, profile: string | undefined, context?: Record<string, string>): KmsRecipient {
  const arn = text.replace(/ /g, '');
  const at = arn.indexOf('+arn:');
  return { arn: at > 0 ? arn.slice(0, at) : arn, ...(at > 0 ? { role: arn.slice(at + 1) } : {}), ...(profile ? { awsProfile: profile } : {}), ...(context ? { context } : {}) };
}

function stringMap(value: unknown, what: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) throw new SopsError('config', `${what} must map names to strings`);
  return value as Record<string, string>;
}

function otherKinds(raw: Raw): string[] {
  return OTHER_KINDS.filter((k) => raw[k] !== undefined && raw[k] !== null && raw[k] !== '' && !(Array.isArray(raw[k]) && !(raw[k] as unknown[]).length));
}

function groupFrom(raw: Raw, index: number): KmsRecipient[] {
  const others = otherKinds(raw);
  if (others.length) throw new SopsError('config', `key group ${index + 1} of the creation rule uses ${others.join(', ')} keys; only KMS keys can be written here`);
  const kms = raw.kms ?? [];
  if (!Array.isArray(kms)) throw new SopsError('config', `key group ${index + 1}: kms must be a list`);
  return kms.map((entry) => {
    if (typeof entry === 'string') return recipientFromArn(entry, undefined);
    if (!isRecord(entry) || typeof entry.arn !== 'string') throw new SopsError('config', `key group ${index + 1}: each kms entry needs an arn`);
    const profile = typeof entry.aws_profile === 'string' ? entry.aws_profile : undefined;
    const r = recipientFromArn(entry.arn, profile, stringMap(entry.context, `the context of ${entry.arn}`));
    return typeof entry.role === 'string' && entry.role ? { ...r, role: entry.role } : r;
  });
}

const RULE_FIELDS: Array<[string, keyof EncryptionRules]> = [
  ['unencrypted_suffix', 'unencryptedSuffix'],
  ['encrypted_suffix', 'encryptedSuffix'],
  ['unencrypted_regex', 'unencryptedRegex'],
  ['encrypted_regex', 'encryptedRegex'],
  ['unencrypted_comment_regex', 'unencryptedCommentRegex'],
  ['encrypted_comment_regex', 'encryptedCommentRegex'],
];

/** The plan of the first matching rule, or undefined when the config has no rule for this path. */
export function planFromConfig(configText: string, relativePath: string): EncryptionPlan | undefined {
  let config: unknown;
  try {
    config = parse(configText);
  } catch (e) {
    throw new SopsError('config', `${SOPS_CONFIG_NAME} does not parse: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  const rules = isRecord(config) ? config.creation_rules : undefined;
  if (rules === undefined || rules === null) return undefined;
  if (!Array.isArray(rules)) throw new SopsError('config', `creation_rules in ${SOPS_CONFIG_NAME} must be a list`);
  const path = relativePath.replaceAll('\\', '/');
  const rule = rules.find((r) => isRecord(r) && (typeof r.path_regex !== 'string' || r.path_regex === '' || new RegExp(r.path_regex).test(path)));
  if (!isRecord(rule)) return undefined;
  const plan: EncryptionPlan = { keyGroups: [], rules: {} };
  if (Array.isArray(rule.key_groups) && rule.key_groups.length) {
    plan.keyGroups = rule.key_groups.map((g, i) => groupFrom(isRecord(g) ? g : {}, i));
  } else {
    const others = otherKinds(rule);
    if (others.length) throw new SopsError('config', `the creation rule for ${path} uses ${others.join(', ')} keys; only KMS keys can be written here`);
    const profile = typeof rule.aws_profile === 'string' ? rule.aws_profile : undefined;
    const arns = typeof rule.kms === 'string' ? rule.kms.split(',').filter((a) => a.trim()) : [];
    if (arns.length) plan.keyGroups = [arns.map((a) => recipientFromArn(a, profile))];
  }
  if (typeof rule.shamir_threshold === 'number') plan.shamirThreshold = rule.shamir_threshold;
  for (const [field, name] of RULE_FIELDS) if (typeof rule[field] === 'string' && rule[field]) (plan.rules as Record<string, unknown>)[name] = rule[field];
  if (rule.mac_only_encrypted === true) plan.rules!.macOnlyEncrypted = true;
  return plan;
}
