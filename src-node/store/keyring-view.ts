/**
 * The keyring as the engine sees it (a KeyringState), over a database of one record per key and per
 * alias: records are loaded when the engine first touches them, and at commit only the records that
 * changed are written, with the indexes that let the store answer KeyringIndex without loading
 * everything. Layout (record names; `rk` is `${accountId}/${region}`):
 *
 *   h                     header (plaintext: format and root key check)
 *   m                     sealed: clock offset, audit outbox and anchor, per Region the custom key
 *                         stores, import tokens and key count
 *   k|rk|keyId            sealed KeyRecord
 *   a|rk|aliasName        sealed AliasRecord
 *   t|rk|keyId|aliasName  empty: the aliases of a key
 *   d|time|rk|keyId       empty: when a key's next clock-driven change falls due (16-digit ms)
 *   o|rk|seq|keyId        empty: the Region's keys in creation order (ListKeys's order, as in the file store)
 *   s|rk|keyId            plaintext: the key's seq in that order
 *
 * Key IDs, alias names and due times are in the clear as record names (the database orders and
 * finds by them); everything else, key material and metadata alike, is sealed under the root key.
 */
import type { KeyringIndex, KeyRef } from '../../src-core/ports';
import type { AuditHead } from '../../src-core/audit/chain';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import { keyDueAt } from '../../src-core/kms/lifecycle';
import { regionKey, type AliasRecord, type CustomKeyStoreRecord, type ImportTokenRecord, type KeyRecord, type KeyringState, type LastUsage, type RegionState } from '../../src-core/kms/state';

export const HEADER_RECORD = 'h';
export const META_RECORD = 'm';
/** Sorts after every character of a record name part: the end of a prefix's range. */
const AFTER = '~';

/** Reads the database for a view: record texts already unsealed, names in order. */
export interface RecordSource {
  load(name: string): string | undefined;
  /** An index record's plaintext value. */
  plain(name: string): string | undefined;
  /** Names in [start, end), from position `offset`, at most `limit`. */
  names(start: string, end: string, offset?: number, limit?: number): string[];
}

/** What a transaction writes: sealed records (undefined removes) and plaintext index records. */
export interface ViewChanges {
  sealed: Map<string, string | undefined>;
  indexPut: Map<string, string>;
  indexRemove: string[];
}

interface RegionMeta {
  customKeyStores: Record<string, CustomKeyStoreRecord>;
  importTokens: Record<string, ImportTokenRecord>;
  keyCount: number;
  /** The seq the Region's next new key gets. */
  nextSeq?: number;
}

interface Meta {
  clockOffsetMs: number;
  auditOutbox?: CloudTrailEvent[];
  auditAnchor?: AuditHead;
  regions: Record<string, RegionMeta>;
}

type Kind = 'k' | 'a';

interface Tracked {
  kind: Kind;
  rk: string;
  id: string;
  original: string | undefined;
  current: KeyRecord | AliasRecord | undefined;
}

const recordName = (kind: Kind, rk: string, id: string) => `${kind}|${rk}|${id}`;
const prefixRange = (prefix: string): [string, string] => [prefix, `${prefix}${AFTER}`];
const dueName = (due: number, rk: string, keyId: string) => `d|${String(due).padStart(16, '0')}|${rk}|${keyId}`;
const targetName = (rk: string, keyId: string, alias: string) => `t|${rk}|${keyId}|${alias}`;
const orderName = (rk: string, seq: number, keyId: string) => `o|${rk}|${String(seq).padStart(12, '0')}|${keyId}`;
const seqName = (rk: string, keyId: string) => `s|${rk}|${keyId}`;
const lastPart = (name: string) => name.slice(name.lastIndexOf('|') + 1);

function refOf(rk: string, keyId: string): KeyRef {
  const slash = rk.indexOf('/');
  return { accountId: rk.slice(0, slash), region: rk.slice(slash + 1), keyId };
}

const descriptor = (value: unknown): PropertyDescriptor | undefined => (value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: true });

/** Per operation, the later of two uses. */
export function laterUsage(a: Record<string, LastUsage>, b: Record<string, LastUsage>): Record<string, LastUsage> {
  const out = { ...a };
  for (const [operation, usage] of Object.entries(b)) if (!out[operation] || out[operation].at < usage.at) out[operation] = usage;
  return out;
}

export class KeyringView {
  readonly state: KeyringState;
  readonly index: KeyringIndex;
  private readonly metaText: string | undefined;
  private readonly meta: Meta;
  private readonly tracked = new Map<string, Tracked>();
  private readonly regionViews = new Map<string, RegionState>();
  private readonly regions: Record<string, RegionState>;

  /** `pendingUsage` returns last-use facts noted but not saved yet, shown on the keys this view loads. */
  constructor(
    private readonly source: RecordSource,
    private readonly pendingUsage: (rk: string, keyId: string) => Record<string, LastUsage> | undefined = () => undefined,
  ) {
    this.metaText = source.load(META_RECORD);
    this.meta = this.metaText === undefined ? { clockOffsetMs: 0, regions: {} } : (JSON.parse(this.metaText) as Meta);
    this.regions = new Proxy({} as Record<string, RegionState>, {
      get: (_, rk) => (typeof rk === 'string' ? this.region(rk) : undefined),
      set: (_, rk, value: RegionState) => {
        if (typeof rk !== 'string') return false;
        this.addRegion(rk, value);
        return true;
      },
      has: (_, rk) => typeof rk === 'string' && this.region(rk) !== undefined,
      ownKeys: () => Object.keys(this.meta.regions),
      getOwnPropertyDescriptor: (_, rk) => descriptor(typeof rk === 'string' ? this.region(rk) : undefined),
    });
    this.state = { format: 'kms-workbench/keyring', version: 1, clockOffsetMs: this.meta.clockOffsetMs, regions: this.regions };
    if (this.meta.auditOutbox) this.state.auditOutbox = this.meta.auditOutbox;
    if (this.meta.auditAnchor) this.state.auditAnchor = this.meta.auditAnchor;
    this.index = {
      keyCount: (accountId, region) => this.keyCount(regionKey(accountId, region)),
      keyIds: (accountId, region, offset, limit) => this.keyIds(regionKey(accountId, region), offset, limit),
      aliasNames: (key) => this.aliasNames(regionKey(key.accountId, key.region), key.keyId),
      nextLifecycleEventAt: () => this.nextLifecycleEventAt(),
      dueKeys: (now) => this.dueKeys(now),
    };
  }

  /** The records and indexes to write for what the engine changed; nothing when it changed nothing. */
  changes(): ViewChanges {
    if (this.state.regions !== this.regions) throw new Error('A keyring transaction may not replace the whole set of Regions.');
    const out: ViewChanges = { sealed: new Map(), indexPut: new Map(), indexRemove: [] };
    for (const [name, t] of this.tracked) {
      const text = t.current === undefined ? undefined : JSON.stringify(t.current);
      if (text === t.original) continue;
      out.sealed.set(name, text);
      const before = t.original === undefined ? undefined : (JSON.parse(t.original) as KeyRecord & AliasRecord);
      const after = t.current as (KeyRecord & AliasRecord) | undefined;
      if (t.kind === 'k') {
        const region = this.meta.regions[t.rk];
        region.keyCount += Number(after !== undefined) - Number(before !== undefined);
        if (!before && after) {
          const seq = (region.nextSeq = (region.nextSeq ?? 0) + 1);
          out.indexPut.set(orderName(t.rk, seq, t.id), '');
          out.indexPut.set(seqName(t.rk, t.id), String(seq));
        } else if (before && !after) {
          out.indexRemove.push(orderName(t.rk, Number(this.source.plain(seqName(t.rk, t.id))), t.id), seqName(t.rk, t.id));
        }
        const [was, is] = [before && keyDueAt(before), after && keyDueAt(after)];
        if (was === is) continue;
        if (was !== undefined) out.indexRemove.push(dueName(was, t.rk, t.id));
        if (is !== undefined) out.indexPut.set(dueName(is, t.rk, t.id), '');
      } else if (before?.targetKeyId !== after?.targetKeyId) {
        if (before) out.indexRemove.push(targetName(t.rk, before.targetKeyId, t.id));
        if (after) out.indexPut.set(targetName(t.rk, after.targetKeyId, t.id), '');
      }
    }
    const meta: Meta = {
      clockOffsetMs: this.state.clockOffsetMs,
      auditOutbox: this.state.auditOutbox,
      auditAnchor: this.state.auditAnchor,
      regions: Object.fromEntries(
        Object.entries(this.meta.regions).map(([rk, m]) => {
          const view = this.regionViews.get(rk);
          return [rk, { customKeyStores: view?.customKeyStores ?? m.customKeyStores, importTokens: view?.importTokens ?? m.importTokens, keyCount: m.keyCount, nextSeq: m.nextSeq }];
        }),
      ),
    };
    const metaText = JSON.stringify(meta);
    if (metaText !== this.metaText) out.sealed.set(META_RECORD, metaText);
    return out;
  }

  /** Last-use facts of the keys this view loaded (noted by reads, saved later by the store). */
  lastUsage(): { rk: string; keyId: string; usage: Record<string, LastUsage> }[] {
    const out = [];
    for (const t of this.tracked.values()) {
      const usage = t.kind === 'k' ? (t.current as KeyRecord | undefined)?.lastUsage : undefined;
      if (usage) out.push({ rk: t.rk, keyId: t.id, usage });
    }
    return out;
  }

  private region(rk: string): RegionState | undefined {
    const known = this.regionViews.get(rk);
    if (known) return known;
    const meta = this.meta.regions[rk];
    if (!meta) return undefined;
    const view: RegionState = {
      keys: this.records('k', rk) as Record<string, KeyRecord>,
      aliases: this.records('a', rk) as Record<string, AliasRecord>,
      customKeyStores: meta.customKeyStores,
      importTokens: meta.importTokens,
    };
    this.regionViews.set(rk, view);
    return view;
  }

  /**
   * A Region the engine creates (`regions[rk] ??= {…}` hands the engine back the object it assigned):
   * that object becomes the Region's view, its records moved into the database-backed ones.
   */
  private addRegion(rk: string, value: RegionState): void {
    this.meta.regions[rk] ??= { customKeyStores: {}, importTokens: {}, keyCount: 0 };
    const { keys, aliases } = value;
    value.keys = this.records('k', rk) as Record<string, KeyRecord>;
    value.aliases = this.records('a', rk) as Record<string, AliasRecord>;
    Object.assign(value.keys, keys);
    Object.assign(value.aliases, aliases);
    this.regionViews.set(rk, value);
  }

  private records(kind: Kind, rk: string): Record<string, KeyRecord | AliasRecord> {
    return new Proxy({} as Record<string, KeyRecord | AliasRecord>, {
      get: (_, id) => (typeof id === 'string' ? this.track(kind, rk, id).current : undefined),
      set: (_, id, value: KeyRecord | AliasRecord) => {
        if (typeof id !== 'string') return false;
        this.track(kind, rk, id).current = value;
        return true;
      },
      deleteProperty: (_, id) => {
        if (typeof id === 'string') this.track(kind, rk, id).current = undefined;
        return true;
      },
      has: (_, id) => typeof id === 'string' && this.track(kind, rk, id).current !== undefined,
      ownKeys: () => this.ids(kind, rk),
      getOwnPropertyDescriptor: (_, id) => descriptor(typeof id === 'string' ? this.track(kind, rk, id).current : undefined),
    });
  }

  private track(kind: Kind, rk: string, id: string): Tracked {
    const name = recordName(kind, rk, id);
    let t = this.tracked.get(name);
    if (!t) {
      const original = this.source.load(name);
      t = { kind, rk, id, original, current: original === undefined ? undefined : JSON.parse(original) };
      const pending = kind === 'k' && t.current ? this.pendingUsage(rk, id) : undefined;
      if (pending) (t.current as KeyRecord).lastUsage = laterUsage((t.current as KeyRecord).lastUsage ?? {}, pending);
      this.tracked.set(name, t);
    }
    return t;
  }

  /** Tracked records of a kind in a Region whose existence this view changed. */
  private added(kind: Kind, rk: string): { id: string; exists: boolean }[] {
    const out = [];
    for (const t of this.tracked.values()) {
      if (t.kind === kind && t.rk === rk && (t.original === undefined) !== (t.current === undefined)) out.push({ id: t.id, exists: t.current !== undefined });
    }
    return out;
  }

  /** Every ID of a kind in a Region, this view's changes included: keys in creation order, aliases by name. */
  private ids(kind: Kind, rk: string): string[] {
    const stored = kind === 'k' ? this.source.names(...prefixRange(`o|${rk}|`)).map(lastPart) : this.source.names(...prefixRange(recordName(kind, rk, ''))).map(lastPart);
    const ids = new Set(stored);
    for (const { id, exists } of this.added(kind, rk)) {
      if (exists) ids.add(id);
      else ids.delete(id);
    }
    return kind === 'k' ? [...ids] : [...ids].sort();
  }

  private keyCount(rk: string): number {
    return (this.meta.regions[rk]?.keyCount ?? 0) + this.added('k', rk).reduce((n, { exists }) => n + (exists ? 1 : -1), 0);
  }

  private keyIds(rk: string, offset: number, limit: number): string[] {
    if (this.added('k', rk).length > 0) return this.ids('k', rk).slice(offset, offset + limit);
    return this.source.names(...prefixRange(`o|${rk}|`), offset, limit).map(lastPart);
  }

  private aliasNames(rk: string, keyId: string): string[] {
    const prefix = targetName(rk, keyId, '');
    const names = new Set(this.source.names(...prefixRange(prefix)).map((name) => name.slice(prefix.length)));
    for (const t of this.tracked.values()) {
      if (t.kind !== 'a' || t.rk !== rk) continue;
      names.delete(t.id);
      if ((t.current as AliasRecord | undefined)?.targetKeyId === keyId) names.add(t.id);
    }
    return [...names].sort();
  }

  /** Due times of the keys this view loaded, as they are now (the stored index may be older). */
  private trackedDue(): { due: number; rk: string; keyId: string }[] {
    const out = [];
    for (const t of this.tracked.values()) {
      const due = t.kind === 'k' && t.current ? keyDueAt(t.current as KeyRecord) : undefined;
      if (due !== undefined) out.push({ due, rk: t.rk, keyId: t.id });
    }
    return out;
  }

  private nextLifecycleEventAt(): number | undefined {
    const [first] = this.source.names(...prefixRange('d|'), 0, 1);
    const times = this.trackedDue().map((d) => d.due);
    if (first !== undefined) times.push(Number(first.split('|')[1]));
    return times.length ? Math.min(...times) : undefined;
  }

  /** Keys whose stored or current due time has passed: advanceLifecycle checks each before it acts. */
  private dueKeys(now: number): KeyRef[] {
    const found = new Map<string, KeyRef>();
    for (const name of this.source.names('d|', `${dueName(now, '', '')}${AFTER}`)) {
      const [, , rk, keyId] = name.split('|');
      found.set(`${rk}|${keyId}`, refOf(rk, keyId));
    }
    for (const { due, rk, keyId } of this.trackedDue()) if (due <= now) found.set(`${rk}|${keyId}`, refOf(rk, keyId));
    return [...found.values()];
  }
}
