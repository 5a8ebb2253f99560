/**
 * The keys of one connection, loaded a page at a time (ListKeys + DescribeKey) so accounts with
 * thousands of keys stay responsive. A filter keeps loading pages until a page's worth matches.
 */
import { DescribeKeyCommand, ListAliasesCommand, ListKeysCommand, type AliasListEntry, type KeyMetadata, type KMSClient } from '@aws-sdk/client-kms';

export interface KeyEntry {
  metadata: KeyMetadata;
  /** Alias names pointing at the key, e.g. `alias/app`. */
  aliases: string[];
}

/** DescribeKey calls in flight at once: enough to hide latency, few enough to stay under throttling. */
const DESCRIBE_CONCURRENCY = 8;

export class KeyList {
  readonly entries: KeyEntry[] = [];
  private marker: string | undefined;
  private exhausted = false;
  private aliases: Map<string, string[]> | undefined;
  private loading: Promise<void> | undefined;

  get hasMore(): boolean {
    return !this.exhausted;
  }

  /** Serialised: a second "Load more" click while a page is in flight waits for it instead of racing. */
  loadMore(client: KMSClient, pageSize: number, filter: string): Promise<void> {
    this.loading ??= this.load(client, pageSize, filter).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(client: KMSClient, pageSize: number, filter: string): Promise<void> {
    this.aliases ??= await listAliases(client);
    let matched = 0;
    while (!this.exhausted && matched < pageSize) {
      const page = await client.send(new ListKeysCommand({ Limit: Math.min(pageSize, 1000), Marker: this.marker }));
      this.marker = page.NextMarker;
      this.exhausted = !page.Truncated || !page.NextMarker;
      const ids = (page.Keys ?? []).map((k) => k.KeyId).filter((id): id is string => !!id);
      const described = await mapLimit(ids, DESCRIBE_CONCURRENCY, (KeyId) => client.send(new DescribeKeyCommand({ KeyId })));
      for (const d of described) {
        if (!d.KeyMetadata?.KeyId) continue;
        const entry = { metadata: d.KeyMetadata, aliases: this.aliases.get(d.KeyMetadata.KeyId) ?? [] };
        this.entries.push(entry);
        if (matchesFilter(entry, filter)) matched++;
      }
      if (!filter) break; // unfiltered: exactly one page per click
    }
  }
}

async function listAliases(client: KMSClient): Promise<Map<string, string[]>> {
  const byKey = new Map<string, string[]>();
  let Marker: string | undefined;
  do {
    const page = await client.send(new ListAliasesCommand({ Limit: 100, Marker }));
    for (const a of page.Aliases ?? ([] as AliasListEntry[])) {
      if (!a.TargetKeyId || !a.AliasName) continue;
      byKey.set(a.TargetKeyId, [...(byKey.get(a.TargetKeyId) ?? []), a.AliasName]);
    }
    Marker = page.Truncated ? page.NextMarker : undefined;
  } while (Marker);
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
  const haystack = [m.KeyId, m.Arn, m.Description, m.KeyState, m.KeySpec, m.KeyUsage, m.Origin, ...entry.aliases].join(' ').toLowerCase();
  return filter.toLowerCase().split(/\s+/).filter(Boolean).every((word) => haystack.includes(word));
}
