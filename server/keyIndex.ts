/**
 * The server's view of the keyring: the latest feed from the client, indexed for the lookups that
 * identifier checks, hovers and completion make on every keystroke.
 */
import { partitionOf } from '../src-core/ids/identifiers';
import type { KeyringKey, KnownKeysParams, KeyringScope } from '../protocol/messages';

function scopeKey(accountId: string, region: string): string {
  return `${accountId}/${region}`;
}

export class KeyIndex {
  #onFirstUse: (() => void) | undefined;
  #keys: KeyringKey[] = [];
  #scopes: KeyringScope[] = [];
  #byKeyId = new Map<string, KeyringKey[]>();
  #byAlias = new Map<string, KeyringKey[]>();
  #covered = new Set<string>();

  /** `onFirstUse` runs once, on the first lookup: the session asks the client for the feed then. */
  constructor(onFirstUse?: () => void) {
    this.#onFirstUse = onFirstUse;
  }

  #used(): void {
    const first = this.#onFirstUse;
    this.#onFirstUse = undefined;
    first?.();
  }

  /** Replaces everything with a new feed. */
  update(params: KnownKeysParams): void {
    // The feed crosses a process boundary: keep what has the fields every lookup relies on.
    this.#keys = (params?.keys ?? []).filter((k) => typeof k?.keyId === 'string').map((k) => ({ ...k, aliases: Array.isArray(k.aliases) ? k.aliases : [] }));
    this.#scopes = (params?.scopes ?? []).filter((s) => typeof s?.accountId === 'string' && typeof s.region === 'string');
    this.#byKeyId.clear();
    this.#byAlias.clear();
    this.#covered = new Set(this.#scopes.map((s) => scopeKey(s.accountId, s.region)));
    for (const key of this.#keys) {
      push(this.#byKeyId, key.keyId, key);
      for (const alias of key.aliases) push(this.#byAlias, alias, key);
    }
  }

  get keys(): readonly KeyringKey[] {
    this.#used();
    return this.#keys;
  }

  /** Did the client list every key of this account and Region (so "not found" means not there)? */
  covers(accountId: string, region: string): boolean {
    this.#used();
    return this.#covered.has(scopeKey(accountId, region));
  }

  /** Keys with this ID, optionally only in one account and Region (mrk IDs repeat across Regions). */
  findKey(keyId: string, accountId?: string, region?: string): KeyringKey[] {
    this.#used();
    return filterScope(this.#byKeyId.get(keyId) ?? [], accountId, region);
  }

  findAlias(aliasName: string, accountId?: string, region?: string): KeyringKey[] {
    this.#used();
    return filterScope(this.#byAlias.get(aliasName) ?? [], accountId, region);
  }

  /** Distinct `{partition, accountId}` of the listed scopes, for principal completion. */
  accounts(): { partition: string; accountId: string }[] {
    this.#used();
    const seen = new Map<string, { partition: string; accountId: string }>();
    for (const s of this.#scopes) {
      const partition = partitionOf(s.region);
      seen.set(`${partition}:${s.accountId}`, { partition, accountId: s.accountId });
    }
    return [...seen.values()];
  }
}

function push(map: Map<string, KeyringKey[]>, name: string, key: KeyringKey): void {
  const list = map.get(name);
  if (list) list.push(key);
  else map.set(name, [key]);
}

function filterScope(keys: KeyringKey[], accountId?: string, region?: string): KeyringKey[] {
  if (accountId === undefined) return keys;
  return keys.filter((k) => k.accountId === accountId && k.region === region);
}
