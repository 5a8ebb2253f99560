/**
 * Who gains and who loses which actions when a key policy changes: the two policies' who-can-do-what
 * entries (explain.ts) compared per principal and conditions, so a reviewer reads "account 444455556666
 * gains Decrypt" rather than a JSON diff. Deny statements count as taking actions away.
 */
import { explainAccess, type AccessEntry } from './explain';

export interface AccessChange {
  /** The principal in words, with the conditions under which the change holds. */
  who: string;
  /** `gains`: may now do (or is no longer denied); `loses`: may no longer do (or is now denied). */
  change: 'gains' | 'loses';
  actions: string[];
}

/** Per principal (and conditions): the actions allowed and the actions denied. */
function accessMap(policy: string): Map<string, { allowed: Set<string>; denied: Set<string> }> {
  const out = new Map<string, { allowed: Set<string>; denied: Set<string> }>();
  for (const entry of explainAccess(policy)) {
    for (const who of whoOf(entry)) {
      const slot = out.get(who) ?? { allowed: new Set<string>(), denied: new Set<string>() };
      out.set(who, slot);
      for (const a of entry.actions) (entry.effect === 'Allow' ? slot.allowed : slot.denied).add(a);
    }
  }
  return out;
}

function whoOf(entry: AccessEntry): string[] {
  const when = entry.conditions.length ? ` when ${entry.conditions.join(' and ')}` : '';
  if (entry.exceptPrincipals) return [`everyone except ${entry.principals.join(', ')}${when}`];
  return entry.principals.map((p) => `${p}${when}`);
}

/** What changes from `before` to `after`, principals in the order they appear. */
export function accessDiff(before: string, after: string): AccessChange[] {
  const was = accessMap(before);
  const now = accessMap(after);
  const changes: AccessChange[] = [];
  for (const who of new Set([...was.keys(), ...now.keys()])) {
    const a = was.get(who) ?? { allowed: new Set<string>(), denied: new Set<string>() };
    const b = now.get(who) ?? { allowed: new Set<string>(), denied: new Set<string>() };
    const gains = [...new Set([...[...b.allowed].filter((x) => !a.allowed.has(x)), ...[...a.denied].filter((x) => !b.denied.has(x))])];
    const loses = [...new Set([...[...a.allowed].filter((x) => !b.allowed.has(x)), ...[...b.denied].filter((x) => !a.denied.has(x))])];
    if (gains.length) changes.push({ who, change: 'gains', actions: gains.sort() });
    if (loses.length) changes.push({ who, change: 'loses', actions: loses.sort() });
  }
  return changes;
}

/** The diff as lines for a confirmation: "+ who gains: A, B" / "− who loses: C". */
export function accessDiffLines(changes: readonly AccessChange[]): string[] {
  if (changes.length === 0) return ['No change in who can do what.'];
  return changes.map((c) => `${c.change === 'gains' ? '+' : '−'} ${c.who} ${c.change}: ${c.actions.length > 12 ? `${c.actions.length} actions (${c.actions.slice(0, 6).join(', ')}, …)` : c.actions.join(', ')}`);
}

/** Statements added, removed or changed between two policies, by Sid (or position), for the confirmation. */
export function statementDiffLines(before: string, after: string): string[] {
  const statements = (text: string): Map<string, string> => {
    try {
      const list = (JSON.parse(text) as { Statement?: unknown }).Statement;
      const items = Array.isArray(list) ? list : list ? [list] : [];
      return new Map(items.map((s, i) => [typeof (s as { Sid?: unknown })?.Sid === 'string' ? `"${(s as { Sid: string }).Sid}"` : `#${i + 1}`, JSON.stringify(s)]));
    } catch {
      return new Map();
    }
  };
  const a = statements(before);
  const b = statements(after);
  const lines: string[] = [];
  for (const [name, text] of b) if (!a.has(name)) lines.push(`+ statement ${name} added`);
  else if (a.get(name) !== text) lines.push(`~ statement ${name} changed`);
  for (const name of a.keys()) if (!b.has(name)) lines.push(`− statement ${name} removed`);
  return lines.length ? lines : ['No statement changed.'];
}
