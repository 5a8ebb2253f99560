/**
 * The text of a key's detail view: Markdown with its metadata, rotation status, last use, aliases and tags.
 * Rotation is asked for only of keys that can rotate, so no call fails (and is audited as failed) for the
 * others. Free of `vscode`, so tests read it through a real SDK client.
 */
import {
  DescribeKeyCommand, GetKeyLastUsageCommand, GetKeyRotationStatusCommand, ListAliasesCommand, ListResourceTagsCommand, type KeyMetadata, type KMSClient,
} from '@aws-sdk/client-kms';
import { describeError } from './describeError';

/** Optional parts: a backend may refuse one (e.g. a permission missing); the rest of the view still shows. */
async function optional<T>(call: () => Promise<T>): Promise<T | { unavailable: string }> {
  try {
    return await call();
  } catch (error) {
    return { unavailable: describeError(error) };
  }
}

const unavailable = (v: unknown): v is { unavailable: string } => typeof v === 'object' && v !== null && 'unavailable' in v;
const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '—');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** KMS rotates symmetric encryption keys with KMS-made material in KMS's own store; others answer UnsupportedOperationException. */
export function canRotate(m: KeyMetadata): boolean {
  return m.KeySpec === 'SYMMETRIC_DEFAULT' && m.Origin === 'AWS_KMS' && !m.CustomKeyStoreId;
}

async function rotationText(client: KMSClient, m: KeyMetadata): Promise<string> {
  if (!canRotate(m)) return 'not available for this kind of key (only symmetric keys with KMS-made material rotate automatically)';
  const status = await optional(() => client.send(new GetKeyRotationStatusCommand({ KeyId: m.KeyId })));
  if (unavailable(status)) return `unknown: ${status.unavailable}`;
  if (!status.KeyRotationEnabled) return 'off';
  return `every ${status.RotationPeriodInDays ?? 365} days, next on ${day(status.NextRotationDate)}`;
}

export async function keyDetailsMarkdown(client: KMSClient, keyId: string): Promise<string> {
  const { KeyMetadata: m } = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
  if (!m) throw new Error(`KMS described no key ${keyId}`);
  const [rotation, lastUsage, tags, aliases] = await Promise.all([
    rotationText(client, m),
    optional(() => client.send(new GetKeyLastUsageCommand({ KeyId: keyId }))),
    optional(async () => (await client.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 50 }))).Tags ?? []),
    optional(async () => (await client.send(new ListAliasesCommand({ KeyId: keyId, Limit: 100 }))).Aliases ?? []),
  ]);
  const aliasNames = unavailable(aliases) ? [] : aliases.map((a) => a.AliasName ?? '').filter(Boolean);
  const usage = unavailable(lastUsage) ? undefined : lastUsage.KeyLastUsage;
  const lastUsed = unavailable(lastUsage) ? `unknown: ${lastUsage.unavailable}` : usage?.Timestamp ? `${day(usage.Timestamp)} (${usage.Operation ?? '?'})` : 'not recorded';
  const rows: [string, string][] = [
    ['Key ID', `\`${m.KeyId}\``],
    ['ARN', `\`${m.Arn}\``],
    ['Description', m.Description || '—'],
    ['State', `${m.KeyState}${m.DeletionDate ? ` (deletes on ${day(m.DeletionDate)})` : ''}`],
    ['Usage', m.KeyUsage ?? '—'],
    ['Spec', m.KeySpec ?? '—'],
    ['Origin', m.Origin ?? '—'],
    ['Manager', m.KeyManager ?? '—'],
    ['Created', day(m.CreationDate)],
    ['Multi-Region', m.MultiRegion ? (m.MultiRegionConfiguration?.MultiRegionKeyType ?? 'yes').toLowerCase() : 'no'],
    ['Automatic rotation', rotation],
    ['Last used', lastUsed],
    ['Aliases', aliasNames.length ? aliasNames.map((a) => `\`${a}\``).join(', ') : '—'],
  ];
  const tagLines = unavailable(tags) ? [`Unknown: ${tags.unavailable}`] : tags.length ? tags.map((t) => `- \`${t.TagKey}\` = ${t.TagValue ?? ''}`) : ['None.'];
  return [
    `# ${aliasNames[0] ?? m.KeyId}`, '',
    '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), '',
    '## Tags', '', ...tagLines, '',
  ].join('\n');
}
