/**
 * KMS identifiers in any file: shape problems from the scanner, then what the keyring says about the
 * key or alias (unknown where the keyring is complete, disabled, pending deletion), and hovers.
 */
import { DiagnosticSeverity, type Diagnostic, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { scanIdentifiers, type IdentifierMatch } from '../src-core/ids/scan';
import { DIAGNOSTIC_SOURCE } from '../protocol/diagnostics';
import type { KeyringKey } from '../protocol/messages';
import { partitionOf } from '../src-core/ids/identifiers';
import type { KeyIndex } from './keyIndex';
import type { FixData } from './codeActions';

/** Beyond this many findings in one file the rest add noise, not information. */
const MAX_DIAGNOSTICS = 500;

interface Resolution {
  keys: KeyringKey[];
  /** The keyring lists this account and Region completely, so an empty `keys` means "does not exist". */
  authoritative: boolean;
}

function resolve(match: IdentifierMatch, keyring: KeyIndex): Resolution | undefined {
  const p = match.parsed;
  if (!p) return undefined;
  switch (p.kind) {
    case 'keyArn':
      return { keys: keyring.findKey(p.keyId, p.accountId, p.region), authoritative: keyring.covers(p.accountId, p.region) };
    case 'aliasArn':
      return { keys: keyring.findAlias(p.aliasName, p.accountId, p.region), authoritative: keyring.covers(p.accountId, p.region) };
    case 'keyId':
      return { keys: keyring.findKey(p.keyId), authoritative: false };
    case 'aliasName':
      return { keys: keyring.findAlias(p.aliasName), authoritative: false };
  }
}

function diagnostic(doc: TextDocument, m: IdentifierMatch, severity: DiagnosticSeverity, code: string, message: string): Diagnostic {
  return {
    range: { start: doc.positionAt(m.offset), end: doc.positionAt(m.offset + m.length) },
    severity,
    code,
    source: DIAGNOSTIC_SOURCE,
    message,
  };
}

function stateFinding(doc: TextDocument, m: IdentifierMatch, key: KeyringKey): Diagnostic | undefined {
  const name = key.aliases[0] ? `${key.keyId} (${key.aliases[0]})` : key.keyId;
  if (key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion') {
    const when = key.deletionDate ? ` on ${key.deletionDate.slice(0, 10)}` : '';
    return diagnostic(doc, m, DiagnosticSeverity.Warning, 'key-pending-deletion', `KMS key ${name} is scheduled for deletion${when}; cancel the deletion or use another key.`);
  }
  if (key.state === 'Disabled') {
    return diagnostic(doc, m, DiagnosticSeverity.Warning, 'key-disabled', `KMS key ${name} is disabled: requests that use it fail until it is enabled.`);
  }
  return undefined;
}

function unknownFinding(doc: TextDocument, m: IdentifierMatch): Diagnostic | undefined {
  const p = m.parsed;
  if (p?.kind === 'keyArn') {
    return diagnostic(doc, m, DiagnosticSeverity.Warning, 'unknown-key', `The keyring has no key ${p.keyId} in account ${p.accountId}, Region ${p.region}.`);
  }
  if (p?.kind === 'aliasArn') {
    return diagnostic(doc, m, DiagnosticSeverity.Warning, 'unknown-alias', `The keyring has no alias ${p.aliasName} in account ${p.accountId}, Region ${p.region}.`);
  }
  return undefined;
}

/** `arn:aws:kms:cn-north-1:…` → `arn:aws-cn:kms:cn-north-1:…`: the Region is more likely right than the partition. */
function partitionFix(doc: TextDocument, m: IdentifierMatch): FixData | undefined {
  const p = m.parsed;
  if (!p || !('partition' in p)) return undefined;
  const expected = partitionOf(p.region);
  return { version: doc.version, fix: { title: `Use partition "${expected}"`, edits: [{ offset: m.offset + 'arn:'.length, length: p.partition.length, newText: expected }] } };
}

function checkMatch(doc: TextDocument, m: IdentifierMatch, keyring: KeyIndex): Diagnostic | undefined {
  if (m.pattern) return undefined;
  if (m.problem) {
    const d = diagnostic(doc, m, DiagnosticSeverity.Warning, m.problem.code, m.problem.message);
    if (m.problem.code === 'wrong-partition') d.data = partitionFix(doc, m);
    return d;
  }
  const r = resolve(m, keyring);
  if (!r) return undefined;
  if (r.keys.length === 0) return r.authoritative ? unknownFinding(doc, m) : undefined;
  return stateFinding(doc, m, r.keys[0]);
}

/** Identifier diagnostics for a whole document. */
export function identifierDiagnostics(doc: TextDocument, keyring: KeyIndex, disabled: readonly string[] = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of scanIdentifiers(doc.getText())) {
    const d = checkMatch(doc, m, keyring);
    if (d && !disabled.includes(String(d.code))) out.push(d);
    if (out.length >= MAX_DIAGNOSTICS) break;
  }
  return out;
}

/** The identifier under the cursor, found by scanning only that line. */
export function identifierAt(doc: TextDocument, position: Position): IdentifierMatch | undefined {
  const lineStart = doc.offsetAt({ line: position.line, character: 0 });
  const lineText = doc.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
  const m = scanIdentifiers(lineText).find((c) => c.offset <= position.character && position.character <= c.offset + c.length);
  return m && { ...m, offset: m.offset + lineStart };
}

export function keyMarkdown(key: KeyringKey): string {
  const rows: [string, string][] = [
    ['State', key.unreadable ? `not readable: ${key.unreadable}` : key.state + (key.deletionDate ? ` (deletion on ${key.deletionDate.slice(0, 10)})` : '')],
    ['Description', key.description || '—'],
    ['Spec / usage', `${key.spec} / ${key.usage}`],
    ['Aliases', key.aliases.length ? key.aliases.map((a) => `\`${a}\``).join(', ') : '—'],
    ['Account / Region', `${key.accountId} / ${key.region}`],
    ['Connection', key.connection],
  ];
  return [`**KMS key** \`${key.keyId}\``, '', `\`${key.arn}\``, '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)].join('\n');
}

/** Hover for a key ID, ARN or alias: the key's metadata from the keyring, or the shape problem. */
export function identifierHover(doc: TextDocument, position: Position, keyring: KeyIndex): Hover | undefined {
  const m = identifierAt(doc, position);
  if (!m || m.pattern) return undefined;
  const range = { start: doc.positionAt(m.offset), end: doc.positionAt(m.offset + m.length) };
  if (m.problem) return { range, contents: { kind: 'markdown', value: m.problem.message } };
  const keys = resolve(m, keyring)?.keys ?? [];
  if (keys.length === 0) return undefined;
  return { range, contents: { kind: 'markdown', value: keys.map(keyMarkdown).join('\n\n---\n\n') } };
}
