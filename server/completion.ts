/**
 * Completion inside key policies (policy files, CloudFormation `KeyPolicy` blocks in JSON and YAML, and the
 * key policies of Terraform files): the path at the cursor, relative to the nearest `Statement`, says what
 * belongs there.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lookupConditionKey } from '../src-core/policy/data';
import { hclCursor, type HclCursor } from '../src-core/terraform/cursor';
import { KEY_POLICY_RESOURCES } from '../src-core/terraform/policies';
import {
  ACTION_CANDIDATES, CONDITION_KEY_CANDIDATES, DEPRECATED_TAGS, OPERATOR_CANDIDATES, POLICY_ELEMENTS, PRINCIPAL_TYPES,
  STATEMENT_ELEMENTS, statementSnippets, type Candidate,
} from './completionItems';
import { jsonCursor, yamlCursor, type Cursor } from './cursor';
import type { KeyIndex } from './keyIndex';

/** Where the cursor is, relative to a policy: `['Statement', 'Condition', 'StringEquals', 'kms:ViaService']`. */
function policyPath(path: (string | number)[], isPolicyFile: boolean): (string | number)[] | undefined {
  const at = path.lastIndexOf('Statement');
  if (at < 0) {
    const embedded = path.lastIndexOf('KeyPolicy');
    return embedded >= 0 ? path.slice(embedded + 1) : isPolicyFile ? path : undefined;
  }
  // Drop the statement's index so a single statement object and an array of them look the same.
  const rest = path.slice(at + 1);
  return ['Statement', ...(typeof rest[0] === 'number' ? rest.slice(1) : rest)];
}

/** Text for a value in the document's syntax: JSON strings, or YAML scalars quoted only when they must be. */
function render(cursor: Cursor, value: string): string {
  if (cursor.format === 'json') return JSON.stringify(value);
  const quote = cursor.quote || (/^[A-Za-z0-9][\w.:/*?${}-]*$/.test(value) && !value.includes(': ') ? '' : "'");
  return quote === "'" ? `'${value.replace(/'/g, "''")}'` : quote === '"' ? JSON.stringify(value) : value;
}

function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

function toItem(c: Candidate, cursor: Cursor, range: Range, keySuffix: string): CompletionItem {
  const shown = render(cursor, c.value);
  const body = c.snippet ? render(cursor, c.snippet) : escapeSnippet(shown);
  const suffix = cursor.asKey && !cursor.colonFollows ? keySuffix : '';
  return {
    label: c.value,
    kind: c.kind,
    detail: c.detail,
    documentation: c.documentation ? { kind: 'markdown', value: c.documentation } : undefined,
    tags: c.deprecated ? DEPRECATED_TAGS : undefined,
    sortText: `${c.rank ?? 0}${c.value}`,
    filterText: shown,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: body + suffix },
  };
}

function plain(values: readonly string[], kind: CompletionItemKind, detail?: string): Candidate[] {
  return values.map((value) => ({ value, kind, detail }));
}

function keyringResources(keyring: KeyIndex): Candidate[] {
  return keyring.keys.map((k) => ({
    value: k.arn,
    kind: CompletionItemKind.Reference,
    detail: [k.aliases[0], k.description].filter(Boolean).join(' · ') || k.keyId,
    rank: 1,
  }));
}

function aliasCandidates(keyring: KeyIndex): Candidate[] {
  const seen = new Set<string>();
  return keyring.keys.flatMap((k) => k.aliases.filter((a) => !seen.has(a) && seen.add(a)).map((a) => ({ value: a, kind: CompletionItemKind.Reference, detail: k.keyId })));
}

function principalCandidates(keyring: KeyIndex): Candidate[] {
  return [
    ...keyring.accounts().map((a) => ({ value: `arn:${a.partition}:iam::${a.accountId}:root`, kind: CompletionItemKind.Value, detail: `account ${a.accountId}` })),
    { value: '*', kind: CompletionItemKind.Value, detail: 'anyone: narrow it with a condition', rank: 2 },
  ];
}

function conditionValueCandidates(keyName: string, keyring: KeyIndex): Candidate[] {
  const info = lookupConditionKey(keyName);
  if (!info) return [];
  if (info.values) return plain(info.values, CompletionItemKind.EnumMember, info.name);
  if (info.type === 'Bool') return plain(['true', 'false'], CompletionItemKind.EnumMember);
  if (info.format === 'alias') return aliasCandidates(keyring);
  if (info.format === 'account') return keyring.accounts().map((a) => ({ value: a.accountId, kind: CompletionItemKind.Value }));
  if (info.format === 'principal-arn') return principalCandidates(keyring).filter((c) => c.value !== '*');
  if (info.type === 'ARN' || info.type === 'ArrayOfARN') return keyringResources(keyring);
  return [];
}

/** Candidates for a value position (`asKey` false) or a property-name position. */
function candidatesFor(rel: (string | number)[], asKey: boolean, keyring: KeyIndex): Candidate[] {
  const names = rel.filter((p): p is string => typeof p === 'string');
  const [, element, sub, condKey] = names;
  if (names[0] !== 'Statement') {
    if (asKey && names.length === 1) return plain(POLICY_ELEMENTS, CompletionItemKind.Property);
    if (!asKey && names[0] === 'Version') return plain(['2012-10-17'], CompletionItemKind.Constant);
    return [];
  }
  if (asKey) {
    if (names.length === 2) return plain(STATEMENT_ELEMENTS, CompletionItemKind.Property);
    if (element === 'Principal' || element === 'NotPrincipal') return names.length === 3 ? plain(PRINCIPAL_TYPES, CompletionItemKind.Property) : [];
    if (element === 'Condition') return names.length === 3 ? OPERATOR_CANDIDATES.slice() : names.length === 4 ? CONDITION_KEY_CANDIDATES.slice() : [];
    return [];
  }
  switch (element) {
    case 'Effect':
      return plain(['Allow', 'Deny'], CompletionItemKind.EnumMember);
    case 'Action':
    case 'NotAction':
      return ACTION_CANDIDATES.slice();
    case 'Resource':
    case 'NotResource':
      return [{ value: '*', kind: CompletionItemKind.Value, detail: 'this key (the only value a key policy accepts)' }, ...keyringResources(keyring)];
    case 'Principal':
    case 'NotPrincipal':
      return sub === 'AWS' || sub === undefined ? principalCandidates(keyring) : [];
    case 'Condition':
      return condKey ? conditionValueCandidates(condKey, keyring) : [];
    default:
      return [];
  }
}

const KEY_SUFFIX: Record<string, string> = { Statement: ': [\n\t$0\n]', Condition: ': {$0}', Principal: ': {$0}', NotPrincipal: ': {$0}' };

function keySuffixFor(cursor: Cursor, rel: (string | number)[], value: string): string {
  if (cursor.format === 'yaml') return ': ';
  const names = rel.filter((p): p is string => typeof p === 'string');
  if (names[0] === 'Statement' && names[1] === 'Condition' && names.length === 3) return ': {$0}';
  if (names[0] === 'Statement' && names[1] === 'Condition' && names.length === 4) return ': "$0"';
  if (names[0] === 'Statement' && (names[1] === 'Action' || names[1] === 'NotAction' || names[1] === 'Resource' || names[1] === 'NotResource')) return ': [$0]';
  return KEY_SUFFIX[value] ?? ': "$0"';
}

export interface CompletionContext {
  doc: TextDocument;
  position: Position;
  format: 'json' | 'yaml';
  /** The whole file is a key policy, so top-level elements are offered too. */
  isPolicyFile: boolean;
  keyring: KeyIndex;
}

export function policyCompletions({ doc, position, format, isPolicyFile, keyring }: CompletionContext): CompletionItem[] {
  const text = doc.getText();
  const offset = doc.offsetAt(position);
  const cursor = format === 'json' ? jsonCursor(text, offset) : yamlCursor(text, offset);
  const rel = cursor && policyPath(cursor.path, isPolicyFile);
  if (!cursor || !rel) return [];
  const range = { start: doc.positionAt(cursor.start), end: doc.positionAt(cursor.end) };
  const items = candidatesFor(rel, cursor.asKey, keyring).map((c) => toItem(c, cursor, range, keySuffixFor(cursor, rel, c.value)));
  // Inside the Statement array of a JSON policy, between statements: offer whole statements.
  if (format === 'json' && !cursor.asKey && cursor.fresh && rel.length === 1 && rel[0] === 'Statement') {
    const [account] = keyring.accounts();
    const indent = doc.getText({ start: { line: position.line, character: 0 }, end: position }).match(/^\s*/)![0];
    items.push(...statementSnippets(account?.partition ?? 'aws', account?.accountId ?? '111122223333', indent));
  }
  return items;
}

/** What a Terraform position stands for in a policy: the path the candidates are chosen by, and whether as a key. */
interface TerraformTarget {
  rel: string[];
  /** Candidates of a property-name position (a `test` value is an operator, though written as a value). */
  keyCandidates: boolean;
  /** A property name of an object (jsonencode or heredoc JSON) is typed: ` = ` (HCL) or `: ` (JSON) follows it. */
  keySuffix?: string;
}

/** The `aws_iam_policy_document` attributes that render as statement elements. */
const DOCUMENT_ELEMENTS: Record<string, string> = {
  effect: 'Effect', actions: 'Action', not_actions: 'NotAction', resources: 'Resource', not_resources: 'NotResource',
};

/** Inside a `data "aws_iam_policy_document"` block: `statement { actions = […] condition { test = "…" } }`. */
function documentTarget(at: HclCursor, from: number): TerraformTarget | undefined {
  const blocks = at.frames.slice(from + 1).filter((f) => f.block).map((f) => f.key);
  const value = at.frames[at.frames.length - 1].block ? at.key : at.frames[at.frames.length - 1].key;
  if (blocks[0] !== 'statement' || at.asKey) return undefined;
  const [, inner] = blocks;
  const block = at.frames[at.frames.length - 1].block ? at.frames[at.frames.length - 1] : at.frames[at.frames.length - 2];
  if (blocks.length === 1 && DOCUMENT_ELEMENTS[value]) return { rel: ['Statement', DOCUMENT_ELEMENTS[value]], keyCandidates: false };
  if (blocks.length === 2 && inner === 'condition') {
    const test = block.strings.get('test') ?? 'StringEquals';
    if (value === 'test') return { rel: ['Statement', 'Condition', ''], keyCandidates: true };
    if (value === 'variable') return { rel: ['Statement', 'Condition', test, ''], keyCandidates: true };
    const variable = block.strings.get('variable');
    if (value === 'values' && variable) return { rel: ['Statement', 'Condition', test, variable], keyCandidates: false };
  }
  if (blocks.length === 2 && (inner === 'principals' || inner === 'not_principals')) {
    if (value === 'type') return { rel: ['Statement', 'Principal', ''], keyCandidates: true };
    if (value === 'identifiers') return { rel: ['Statement', 'Principal', block.strings.get('type') ?? 'AWS'], keyCandidates: false };
  }
  return undefined;
}

/** Inside a KMS key resource's `policy = jsonencode({…})` or `policy = <<EOF` heredoc of JSON. */
function policyValueTarget(at: HclCursor, from: number): TerraformTarget | undefined {
  const policy = at.frames.findIndex((f, i) => i > from && f.key === 'policy');
  const inner = at.frames.slice(policy + 1);
  if (policy < 0 || !inner.length || inner.some((f) => f.block)) return undefined;
  const keys = inner.map((f) => f.key).filter(Boolean);
  if (at.asKey) {
    const json = at.frames[policy].open === '<<';
    return { rel: [...keys, ''], keyCandidates: true, keySuffix: at.assignFollows ? '' : json ? ': ' : ' = ' };
  }
  return { rel: at.key ? [...keys, at.key] : keys, keyCandidates: false };
}

function terraformTarget(at: HclCursor): TerraformTarget | undefined {
  const document = at.frames.findIndex((f) => f.block && f.key === 'data' && f.labels[0] === 'aws_iam_policy_document');
  if (document >= 0) return documentTarget(at, document);
  const resource = at.frames.findIndex((f) => f.block && f.key === 'resource' && KEY_POLICY_RESOURCES.includes(f.labels[0]));
  return resource >= 0 ? policyValueTarget(at, resource) : undefined;
}

/**
 * Completion in a .tf file: in the statements of an `aws_iam_policy_document`, and in the jsonencode object or
 * heredoc JSON of a KMS key resource's `policy`. Values are HCL (or JSON) strings, so they are written as JSON
 * strings; a string being typed, a fresh position, or a bare word begun without its quotes (`kms:Enc`, `Str`),
 * which the chosen string replaces.
 */
export function terraformCompletions(doc: TextDocument, position: Position, keyring: KeyIndex): CompletionItem[] {
  const text = doc.getText();
  const offset = doc.offsetAt(position);
  const at = hclCursor(text, offset);
  // After a reference (`var.`, `aws_iam_role.app.`) or in the middle of other text there is nothing of ours to offer.
  if (!at.inString && !at.bareWord && /[\w.:-]$/.test(text.slice(0, offset))) return [];
  const target = terraformTarget(at);
  if (!target) return [];
  const cursor: Cursor = {
    format: 'json', path: target.rel, asKey: target.keySuffix !== undefined, start: at.start, end: at.end,
    quote: at.inString ? '"' : '', fresh: !at.inString, colonFollows: at.assignFollows,
  };
  const range = { start: doc.positionAt(at.start), end: doc.positionAt(at.end) };
  return candidatesFor(target.rel, target.keyCandidates, keyring).map((c) => toItem(c, cursor, range, target.keySuffix ?? ''));
}
