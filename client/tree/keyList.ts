/**
 * The keys of one connection, loaded a page at a time (ListKeys + DescribeKey) so accounts with
 * thousands of keys stay responsive. A filter keeps loading pages until a page's worth matches.
 * One key that cannot be described (on AWS, typically a key policy that denies you) is kept with what
 * ListKeys said (ID, ARN) and the reason; the rest of the page loads as usual.
 */
import { DescribeKeyCommand, ListKeysCommand, paginateListAliases, type AliasListEntry, type KeyListEntry, type KeyMetadata, type KMSClient } from '@aws-sdk/client-kms';
import { describeError } from '../describeError';

export interface KeyEntry {
  metadata: KeyMetadata;
  /** Alias names pointing at the key, e.g. `alias/app`. */
  aliases: string[];
  /** Why DescribeKey failed for this key; `metadata` then holds only its ID and ARN. */
  unreadable?: string;
}

/** DescribeKey calls in flight at once: enough to hide latency, few enough to stay under throttling. */
const DESCRIBE_CONCURRENCY = 8;

export class KeyList {
  readonly entries: KeyEntry[] = [];
  private marker: string | undefined;
  private exhausted = false;
  private aliases: Map<string, string[]> | undefined;
  private loading: Promise<void> | undefined;
  private loadingFilter = '';
  /** The filter of the latest `loadMore` call: a page in flight is followed by one for it. */
  private wanted = '';

  get hasMore(): boolean {
    return !this.exhausted;
  }

  /**
   * Serialised: a second "Load more" click while a page is in flight waits for it instead of racing; a
   * different filter set meanwhile loads on with the newest filter once that page is in.
   */
  loadMore(client: KMSClient, pageSize: number, filter: string): Promise<void> {
    this.wanted = filter;
    if (this.loading) {
      if (filter === this.loadingFilter) return this.loading;
      return this.loading.then(() => this.loadMore(client, pageSize, this.wanted));
    }
    this.loadingFilter = filter;
    this.loading = this.load(client, pageSize, filter).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(client: KMSClient, pageSize: number, filter: string): Promise<void> {
    this.aliases ??= await listAliases(client);
    let matched = 0;
    while (!this.exhausted && matched < pageSize) {
      const page = await client.send(new ListKeysCommand({ Limit: Math.min(pageSize, 1000), Marker: this.marker }));
      this.marker = page.NextMarker;
      this.exhausted = !page.Truncated || !page.NextMarker;
      const listed = (page.Keys ?? []).filter((k): k is KeyListEntry & { KeyId: string } => !!k.KeyId);
      const described = await mapLimit(listed, DESCRIBE_CONCURRENCY, (k) => describe(client, k));
      for (const d of described) {
        if (!d?.metadata.KeyId) continue;
        const entry = { ...d, aliases: this.aliases.get(d.metadata.KeyId) ?? [] };
        this.entries.push(entry);
        if (matchesFilter(entry, filter)) matched++;
      }
      if (!filter) break; // unfiltered: exactly one page per click
    }
  }
}

/** The key's metadata, or what ListKeys knows and why DescribeKey failed; undefined for a key deleted since it was listed. */
async function describe(client: KMSClient, listed: KeyListEntry & { KeyId: string }): Promise<Omit<KeyEntry, 'aliases'> | undefined> {
  try {
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: listed.KeyId }));
    return KeyMetadata && { metadata: KeyMetadata };
  } catch (error) {
    if (error instanceof Error && error.name === 'NotFoundException') return undefined;
    return { metadata: { KeyId: listed.KeyId, Arn: listed.KeyArn }, unreadable: describeError(error) };
  }
}

async function listAliases(client: KMSClient): Promise<Map<string, string[]>> {
  const byKey = new Map<string, string[]>();
  for await (const page of paginateListAliases({ client, pageSize: 100 }, {})) {
    for (const a of page.Aliases ?? ([] as AliasListEntry[])) {
      if (!a.TargetKeyId || !a.AliasName) continue;
      byKey.set(a.TargetKeyId, [...(byKey.get(a.TargetKeyId) ?? []), a.AliasName]);
    }
  }
  return byKey;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Case-insensitive match on id, aliases, description, state, spec and usage; words must all match. */
export function matchesFilter(entry: KeyEntry, filter: string): boolean {
  if (!filter.trim()) return true;
  const m = entry.metadata;
  const haystack = [m.KeyId, m.Arn, m.Description, m.KeyState, m.KeySpec, m.KeyUsage, m.Origin, ...entry.aliases, entry.unreadable].join(' ').toLowerCase();
  return filter.toLowerCase().split(/\s+/).filter(Boolean).every((word) => haystack.includes(word));
}
