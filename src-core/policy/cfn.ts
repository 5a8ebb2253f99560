/**
 * Finds key policies embedded in CloudFormation templates (JSON or YAML) and returns each as a
 * position tree whose offsets point into the original template, so findings land on the template text.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { getProp, parseJson, type PNode, type PProp, type SyntaxProblem } from './tree';

/** Resource types whose `KeyPolicy` property is a KMS key policy. */
export const KEY_POLICY_RESOURCE_TYPES = ['AWS::KMS::Key', 'AWS::KMS::ReplicaKey'] as const;

export interface EmbeddedPolicy {
  logicalId: string;
  resourceType: string;
  /** The KeyPolicy value; offsets are in the template text. */
  policy: PNode;
  /**
   * What the resource says about the key, with CloudFormation's defaults for AWS::KMS::Key
   * (a ReplicaKey inherits these from its primary, so they stay unknown there).
   */
  key: { spec?: string; usage?: string; origin?: string; multiRegion?: boolean };
  bypassLockoutCheck?: PNode;
}

export interface TemplateScan {
  /** True when the text looks like a CloudFormation template (has a Resources map). */
  isTemplate: boolean;
  policies: EmbeddedPolicy[];
  problems: SyntaxProblem[];
  /** The whole document, for callers that fall back to linting it as a bare policy. */
  root?: PNode;
}

const INTRINSIC = /^(Ref|Condition|Fn::[A-Za-z0-9]+)$/;

/** The two values of an Fn::If (`[condition, then, else]`), so what each branch says can be checked. */
function ifBranches(fn: string, arg: PNode): { branches?: PNode[] } {
  return (fn === 'Fn::If' || fn === 'If') && arg.kind === 'array' && arg.items.length === 3 ? { branches: arg.items.slice(1) } : {};
}

/** Intrinsics that make a string whose literal parts are known: their `template` has each deploy-time part as `${…}`. */
const STRING_BUILDERS = new Set(['Sub', 'Fn::Sub', 'Join', 'Fn::Join']);

/** The string an Fn::Sub or Fn::Join makes, deploy-time parts as `${…}`; undefined for any other value. */
export function substitutionTemplate(node: PNode): string | undefined {
  return node.kind === 'dynamic' && STRING_BUILDERS.has(node.fn) ? node.template : undefined;
}

/**
 * The text of an intrinsic's argument: Fn::Sub's string (its `${…}` are the deploy-time parts), Fn::Join's list
 * joined by its delimiter with every intrinsic item as `${…}`; for the others, the first string (a name).
 */
function templateOf(fn: string, arg: PNode): string | undefined {
  if (fn === 'Join' || fn === 'Fn::Join') {
    const [delimiter, list] = arg.kind === 'array' ? arg.items : [];
    if (delimiter?.kind !== 'string' || list?.kind !== 'array') return undefined;
    return list.items.map((item) => (item.kind === 'string' ? item.value : '${…}')).join(delimiter.value);
  }
  return arg.kind === 'string' ? arg.value : arg.kind === 'array' && arg.items[0]?.kind === 'string' ? arg.items[0].value : undefined;
}

/** CloudFormation intrinsics in long form ({"Fn::Sub": …}) become dynamic nodes; the rest is kept. */
function markIntrinsics(node: PNode): PNode {
  if (node.kind === 'object') {
    if (node.props.length === 1 && INTRINSIC.test(node.props[0].key) && node.props[0].key !== 'Condition') {
      const fn = node.props[0].key;
      const arg = markIntrinsics(node.props[0].value);
      return { kind: 'dynamic', fn, template: templateOf(fn, arg), offset: node.offset, length: node.length, ...ifBranches(fn, arg) };
    }
    return { ...node, props: node.props.map((p) => ({ ...p, value: markIntrinsics(p.value) })) };
  }
  if (node.kind === 'array') return { ...node, items: node.items.map(markIntrinsics) };
  return node;
}

function span(node: YamlNode): { offset: number; length: number } {
  const [start, valueEnd] = node.range ?? [0, 0];
  return { offset: start, length: Math.max(valueEnd - start, 0) };
}

/** YAML AST → position tree. Short-form tags (!Sub, !Ref, …) become dynamic nodes. */
function fromYaml(node: YamlNode | null | undefined, text: string, fallbackOffset: number): PNode {
  if (!node) return { kind: 'null', offset: fallbackOffset, length: 0 };
  if (isAlias(node)) return { kind: 'dynamic', fn: 'alias', ...span(node) };
  const s = span(node);
  if (node.tag && node.tag.startsWith('!') && !node.tag.startsWith('!!')) {
    // The tag itself precedes the node's range; include it so the finding covers `!Sub …`.
    const tagStart = text.lastIndexOf(node.tag, s.offset);
    const offset = tagStart >= 0 ? tagStart : s.offset;
    const fn = node.tag.slice(1);
    const arg: PNode = isScalar(node) && typeof node.value === 'string' ? { kind: 'string', value: node.value, ...s }
      : isSeq(node) ? { kind: 'array', items: node.items.map((n) => fromYaml(n as YamlNode, text, s.offset)), ...s } : { kind: 'null', ...s };
    return { kind: 'dynamic', fn, template: templateOf(fn, arg), offset, length: s.offset + s.length - offset, ...ifBranches(fn, arg) };
  }
  if (isMap(node)) {
    const props: PProp[] = [];
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      if (!key || !isScalar(key)) continue;
      const ks = span(key);
      props.push({ key: String(key.value), keyOffset: ks.offset, keyLength: ks.length, value: fromYaml(pair.value as YamlNode | null, text, ks.offset + ks.length) });
    }
    return markIntrinsics({ kind: 'object', props, ...s });
  }
  if (isSeq(node)) return { kind: 'array', items: node.items.map((n) => fromYaml(n as YamlNode, text, s.offset)), ...s };
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return { kind: 'string', value: v, ...s };
    if (typeof v === 'number') return { kind: 'number', value: v, ...s };
    if (typeof v === 'boolean') return { kind: 'boolean', value: v, ...s };
    if (v === null || v === undefined) return { kind: 'null', ...s };
    // YAML 1.1 timestamps and other exotic scalars: keep the source text.
    return { kind: 'string', value: text.slice(s.offset, s.offset + s.length), ...s };
  }
  return { kind: 'null', ...s };
}

/** Parses YAML into a position tree; YAML errors become syntax problems. */
export function parseYaml(text: string): { root?: PNode; problems: SyntaxProblem[] } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, strict: false });
  const problems = doc.errors.map((e) => {
    const offset = Math.min(e.pos[0], text.length);
    return { message: e.message.split('\n')[0], offset, length: Math.min(Math.max(e.pos[1] - e.pos[0], 1), text.length - offset) };
  });
  const root = doc.contents ? fromYaml(doc.contents as YamlNode, text, 0) : undefined;
  return { root, problems };
}

function stringValue(node: PNode | undefined): string | undefined {
  return node?.kind === 'string' ? node.value : undefined;
}

/** KeySpec, KeyUsage, Origin and MultiRegion with their defaults; a value set by an intrinsic stays unknown. */
function keyProperties(props: PNode | undefined): EmbeddedPolicy['key'] {
  const known = (name: string, dflt: string) => {
    const node = getProp(props, name)?.value;
    return !node ? dflt : node.kind === 'string' ? node.value : node.kind === 'boolean' ? String(node.value) : undefined;
  };
  const multiRegion = known('MultiRegion', 'false');
  return {
    spec: known('KeySpec', 'SYMMETRIC_DEFAULT'),
    usage: known('KeyUsage', 'ENCRYPT_DECRYPT'),
    origin: known('Origin', 'AWS_KMS'),
    multiRegion: multiRegion === undefined ? undefined : multiRegion.toLowerCase() === 'true',
  };
}

/** Key policies of AWS::KMS::Key / AWS::KMS::ReplicaKey resources in a template, with original offsets. */
export function findEmbeddedPolicies(text: string, languageId: 'json' | 'yaml'): TemplateScan {
  const parsed = languageId === 'json' ? parseJson(text) : parseYaml(text);
  const root = parsed.root && languageId === 'json' ? markIntrinsics(parsed.root) : parsed.root;
  const resources = getProp(root, 'Resources')?.value;
  const isTemplate = resources?.kind === 'object';
  const policies: EmbeddedPolicy[] = [];
  if (resources?.kind === 'object') {
    for (const res of resources.props) {
      const type = stringValue(getProp(res.value, 'Type')?.value);
      if (!type || !(KEY_POLICY_RESOURCE_TYPES as readonly string[]).includes(type)) continue;
      const props = getProp(res.value, 'Properties')?.value;
      const policy = getProp(props, 'KeyPolicy')?.value;
      if (!policy || policy.kind !== 'object') continue;
      policies.push({
        logicalId: res.key,
        resourceType: type,
        policy,
        key: type === 'AWS::KMS::Key' ? keyProperties(props) : {},
        bypassLockoutCheck: getProp(props, 'BypassPolicyLockoutSafetyCheck')?.value,
      });
    }
  }
  return { isTemplate, policies, problems: parsed.problems, root };
}
