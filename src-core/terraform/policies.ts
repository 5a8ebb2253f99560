/**
 * Finds the key policies of a Terraform module file and turns each into the checker's position tree, with
 * offsets in the .tf text: `policy = jsonencode({...})` (the HCL object itself), a heredoc holding JSON, and a
 * reference to a `data "aws_iam_policy_document"` of the same file. Values known only at plan time
 * (`var.x`, `aws_iam_role.app.arn`, `"${…}"`) become dynamic nodes, which the checks treat as unknown.
 * Only documents that flow into one of the KMS key resources are returned: identity policies follow other rules.
 */
import type { PNode, PProp, SyntaxProblem } from '../policy/tree';
import { child, children, unwrap, type HclNode } from './syntax';
import { parseTemplateJson } from './template';

/** Resources whose `policy` argument is a KMS key policy. */
export const KEY_POLICY_RESOURCES = ['aws_kms_key', 'aws_kms_key_policy', 'aws_kms_replica_key', 'aws_kms_external_key', 'aws_kms_replica_external_key'];

export interface TerraformPolicy {
  /** `aws_kms_key.main` */
  address: string;
  policy: PNode;
  /** 'json' for a heredoc (JSON syntax inside), 'hcl' for jsonencode and policy documents. */
  format: 'json' | 'hcl';
  /** Syntax errors of a heredoc's JSON. */
  problems: SyntaxProblem[];
  /** The resource says bypass_policy_lockout_safety_check = true. */
  bypassLockoutCheck?: PNode;
}

const span = (n: HclNode) => ({ offset: n.startIndex, length: n.endIndex - n.startIndex });

function labels(block: HclNode, text: string): string[] {
  return children(block, 'string_lit').map((s) => text.slice(s.startIndex + 1, s.endIndex - 1));
}

function blockBody(block: HclNode): HclNode | undefined {
  return child(block, 'body');
}

function attributes(body: HclNode | undefined, text: string): Map<string, HclNode> {
  const out = new Map<string, HclNode>();
  for (const a of children(body, 'attribute')) {
    const name = child(a, 'identifier');
    const value = child(a, 'expression');
    if (name && value) out.set(text.slice(name.startIndex, name.endIndex), a);
  }
  return out;
}

function attributeValue(attribute: HclNode | undefined): HclNode | undefined {
  return child(attribute, 'expression');
}

function blocksOf(body: HclNode | undefined, type: string, text: string): HclNode[] {
  return children(body, 'block').filter((b) => {
    const id = child(b, 'identifier');
    return id !== undefined && text.slice(id.startIndex, id.endIndex) === type;
  });
}

function unescapeHcl(raw: string): string {
  return raw.replace(/\\(["\\nrt]|u[0-9a-fA-F]{4})|\$\$\{|%%\{/g, (m, esc: string | undefined) => {
    if (m === '$${') return '${';
    if (m === '%%{') return '%{';
    switch (esc?.[0]) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u': return String.fromCharCode(parseInt(esc.slice(1), 16));
      default: return esc ?? m;
    }
  });
}

function dynamic(node: HclNode, text: string, template?: string): PNode {
  return { kind: 'dynamic', fn: 'terraform', template: template ?? text.slice(node.startIndex, node.endIndex), ...span(node) };
}

/** A quoted string: a plain string when it is all literal, dynamic (with its template) when it interpolates. */
function stringNode(node: HclNode, text: string): PNode {
  const inner = node.type === 'template_expr' ? child(node, 'quoted_template') ?? node : node;
  const parts = inner.namedChildren.filter((c) => c.type !== 'quoted_template_start' && c.type !== 'quoted_template_end');
  if (parts.some((c) => c.type !== 'template_literal')) return dynamic(node, text, text.slice(node.startIndex + 1, node.endIndex - 1));
  return { kind: 'string', value: unescapeHcl(parts.map((c) => text.slice(c.startIndex, c.endIndex)).join('')), ...span(node) };
}

/** An HCL expression (inside jsonencode) as a position tree. */
export function hclValue(expression: HclNode, text: string): PNode {
  const n = unwrap(expression)!;
  switch (n.type) {
    case 'object': {
      const props: PProp[] = [];
      for (const elem of children(n, 'object_elem')) {
        const [keyExpr, valueExpr] = children(elem, 'expression');
        const key = unwrap(keyExpr);
        if (!key || !valueExpr) continue;
        let name: string | undefined;
        if (key.type === 'variable_expr') name = text.slice(key.startIndex, key.endIndex);
        else if (key.type === 'string_lit' || key.type === 'template_expr') {
          const s = stringNode(key, text);
          if (s.kind === 'string') name = s.value;
        }
        // A computed key ((var.k) = …) names nothing the checks could know.
        if (name !== undefined) props.push({ key: name, keyOffset: key.startIndex, keyLength: key.endIndex - key.startIndex, value: hclValue(valueExpr, text) });
      }
      return { kind: 'object', props, ...span(n) };
    }
    case 'tuple':
      return { kind: 'array', items: children(n, 'expression').map((e) => hclValue(e, text)), ...span(n) };
    case 'string_lit':
    case 'template_expr':
      return n.type === 'template_expr' && !child(n, 'quoted_template') ? dynamic(n, text) : stringNode(n, text);
    case 'numeric_lit':
      return { kind: 'number', value: Number(text.slice(n.startIndex, n.endIndex)), ...span(n) };
    case 'bool_lit':
      return { kind: 'boolean', value: text.slice(n.startIndex, n.endIndex) === 'true', ...span(n) };
    case 'null_lit':
      return { kind: 'null', ...span(n) };
    default:
      return dynamic(n, text);
  }
}

/** A heredoc's JSON, parsed in place (offsets are the .tf file's). */
function heredocPolicy(heredoc: HclNode, text: string): { policy?: PNode; problems: SyntaxProblem[] } {
  const ids = children(heredoc, 'heredoc_identifier');
  if (ids.length < 2) return { problems: [] };
  const start = ids[0].endIndex;
  const parts = heredoc.namedChildren.filter((c) => c.type === 'template_interpolation' || c.type === 'template_directive').map((c) => ({ start: c.startIndex, end: c.endIndex }));
  return parseTemplateJson(' '.repeat(start) + text.slice(start, ids[ids.length - 1].startIndex), parts, start);
}

const STATEMENT_ATTRIBUTES: Record<string, string> = {
  sid: 'Sid', effect: 'Effect', actions: 'Action', not_actions: 'NotAction', resources: 'Resource', not_resources: 'NotResource',
};

/** One `statement { … }` block of an aws_iam_policy_document, as the JSON statement Terraform renders. */
function documentStatement(block: HclNode, text: string): PNode {
  const body = blockBody(block);
  const attrs = attributes(body, text);
  const props: PProp[] = [];
  for (const [name, attribute] of attrs) {
    const element = STATEMENT_ATTRIBUTES[name];
    const value = attributeValue(attribute);
    const id = child(attribute, 'identifier')!;
    if (element && value) props.push({ key: element, keyOffset: id.startIndex, keyLength: id.endIndex - id.startIndex, value: hclValue(value, text) });
  }
  // Terraform writes "Effect": "Allow" when the block leaves it out.
  if (!attrs.has('effect')) props.push({ key: 'Effect', keyOffset: block.startIndex, keyLength: 0, value: { kind: 'string', value: 'Allow', offset: block.startIndex, length: 0 } });
  for (const which of ['principals', 'not_principals'] as const) {
    const blocks = blocksOf(body, which, text);
    if (!blocks.length) continue;
    const types: PProp[] = [];
    let star: PNode | undefined;
    for (const p of blocks) {
      const pa = attributes(blockBody(p), text);
      const typeExpr = attributeValue(pa.get('type'));
      const ids = attributeValue(pa.get('identifiers'));
      if (!typeExpr || !ids) continue;
      const type = hclValue(typeExpr, text);
      const value = hclValue(ids, text);
      // type "*" with identifiers ["*"] renders as "Principal": "*".
      if (type.kind === 'string' && type.value === '*') star = value.kind === 'array' && value.items.length === 1 ? value.items[0] : value;
      else if (type.kind === 'string') types.push({ key: type.value, keyOffset: type.offset, keyLength: type.length, value });
    }
    const key = which === 'principals' ? 'Principal' : 'NotPrincipal';
    const first = child(blocks[0], 'identifier')!;
    const value: PNode = star && !types.length ? star : { kind: 'object', props: types, offset: blocks[0].startIndex, length: blocks[blocks.length - 1].endIndex - blocks[0].startIndex };
    props.push({ key, keyOffset: first.startIndex, keyLength: first.endIndex - first.startIndex, value });
  }
  const conditions = blocksOf(body, 'condition', text);
  if (conditions.length) {
    const operators = new Map<string, PProp>();
    for (const c of conditions) {
      const ca = attributes(blockBody(c), text);
      const test = attributeValue(ca.get('test'));
      const variable = attributeValue(ca.get('variable'));
      const values = attributeValue(ca.get('values'));
      if (!test || !variable || !values) continue;
      const op = hclValue(test, text);
      const key = hclValue(variable, text);
      if (op.kind !== 'string' || key.kind !== 'string') continue;
      let operator = operators.get(op.value);
      if (!operator) operators.set(op.value, (operator = { key: op.value, keyOffset: op.offset, keyLength: op.length, value: { kind: 'object', props: [], ...span(c) } }));
      (operator.value as PNode & { kind: 'object' }).props.push({ key: key.value, keyOffset: key.offset, keyLength: key.length, value: hclValue(values, text) });
    }
    const first = child(conditions[0], 'identifier')!;
    props.push({ key: 'Condition', keyOffset: first.startIndex, keyLength: first.endIndex - first.startIndex, value: { kind: 'object', props: [...operators.values()], offset: conditions[0].startIndex, length: conditions[conditions.length - 1].endIndex - conditions[0].startIndex } });
  }
  return { kind: 'object', props, ...span(block) };
}

/**
 * An aws_iam_policy_document as a policy: its statements after those of its source_policy_documents, with
 * override_policy_documents replacing statements of the same Sid (as Terraform merges them).
 */
function policyDocument(name: string, documents: Map<string, HclNode>, text: string, seen: Set<string>): PNode | undefined {
  const block = documents.get(name);
  if (!block || seen.has(name)) return undefined;
  seen.add(name);
  const body = blockBody(block);
  const attrs = attributes(body, text);
  const referenced = (attribute: string) => {
    const list = unwrap(attributeValue(attrs.get(attribute)));
    return children(list, 'expression').map((e) => documentReference(e, text)).filter((n): n is string => n !== undefined)
      .map((n) => policyDocument(n, documents, text, seen)).filter((p): p is PNode => p !== undefined);
  };
  const statements: PNode[] = [];
  for (const source of referenced('source_policy_documents')) statements.push(...statementItems(source));
  statements.push(...blocksOf(body, 'statement', text).map((s) => documentStatement(s, text)));
  for (const override of referenced('override_policy_documents')) {
    for (const st of statementItems(override)) {
      const sid = sidOf(st);
      const at = sid === undefined ? -1 : statements.findIndex((o) => sidOf(o) === sid);
      if (at >= 0) statements[at] = st;
      else statements.push(st);
    }
  }
  const version = attributeValue(attrs.get('version'));
  const id = child(block, 'string_lit')!;
  const props: PProp[] = [];
  if (version) props.push({ key: 'Version', keyOffset: version.startIndex, keyLength: 0, value: hclValue(version, text) });
  else props.push({ key: 'Version', keyOffset: block.startIndex, keyLength: 0, value: { kind: 'string', value: '2012-10-17', offset: block.startIndex, length: 0 } });
  // policy_id renders as the policy's Id (which tells an AWS managed key's policy, "auto-…").
  const policyId = attrs.get('policy_id');
  if (policyId) props.push({ key: 'Id', keyOffset: policyId.startIndex, keyLength: child(policyId, 'identifier')!.endIndex - policyId.startIndex, value: hclValue(attributeValue(policyId)!, text) });
  const labelsOf = children(block, 'string_lit');
  const nameLabel = labelsOf[labelsOf.length - 1] ?? id;
  props.push({ key: 'Statement', keyOffset: nameLabel.startIndex, keyLength: nameLabel.endIndex - nameLabel.startIndex, value: { kind: 'array', items: statements, ...span(block) } });
  return { kind: 'object', props, ...span(block) };
}

function statementItems(policy: PNode): PNode[] {
  const sv = policy.kind === 'object' ? policy.props.find((p) => p.key === 'Statement')?.value : undefined;
  return sv?.kind === 'array' ? sv.items : [];
}

function sidOf(statement: PNode): string | undefined {
  const sid = statement.kind === 'object' ? statement.props.find((p) => p.key === 'Sid')?.value : undefined;
  return sid?.kind === 'string' ? sid.value : undefined;
}

/** `data.aws_iam_policy_document.NAME.json` (or `.minified_json`) → NAME. */
function documentReference(expression: HclNode, text: string): string | undefined {
  const m = /^data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.(json|minified_json)$/.exec(text.slice(expression.startIndex, expression.endIndex).replace(/\s+/g, ''));
  return m?.[1];
}

/**
 * A key policy kept in a file of its own: `templatefile("policy.json.tpl", …)` (a template) or `file("policy.json")`,
 * the path relative to the module's folder (`${path.module}/` understood). The range is the path argument's.
 */
export interface TerraformPolicyFile {
  address: string;
  path: string;
  template: boolean;
  offset: number;
  length: number;
}

interface KeyPolicyAttribute {
  address: string;
  expression: HclNode;
  bypass?: HclNode;
}

/** The `policy` argument of every KMS key resource of the file. */
function keyPolicyAttributes(root: HclNode, text: string): KeyPolicyAttribute[] {
  const out: KeyPolicyAttribute[] = [];
  for (const r of blocksOf(child(root, 'body'), 'resource', text)) {
    const [type, name] = labels(r, text);
    if (!KEY_POLICY_RESOURCES.includes(type)) continue;
    const attrs = attributes(blockBody(r), text);
    const expression = attributeValue(attrs.get('policy'));
    if (expression) out.push({ address: `${type}.${name}`, expression, bypass: attributeValue(attrs.get('bypass_policy_lockout_safety_check')) });
  }
  return out;
}

function functionName(call: HclNode, text: string): string | undefined {
  const id = child(call, 'identifier');
  return id && text.slice(id.startIndex, id.endIndex);
}

/** The path a templatefile()/file() call reads, when it is known before plan time. */
function policyFileOf(value: HclNode, text: string): Omit<TerraformPolicyFile, 'address'> | undefined {
  if (value.type !== 'function_call') return undefined;
  const fn = functionName(value, text);
  if (fn !== 'templatefile' && fn !== 'file') return undefined;
  const arg = child(child(value, 'function_arguments'), 'expression');
  const literal = unwrap(arg);
  if (!arg || !literal || (literal.type !== 'template_expr' && literal.type !== 'string_lit')) return undefined;
  const path = text.slice(literal.startIndex + 1, literal.endIndex - 1).replace(/^\$\{\s*path\.module\s*\}\//, '').replace(/^\.\//, '');
  // Any other interpolation (var.dir, path.root) names a file only known at plan time.
  if (path.includes('${') || !path) return undefined;
  return { path, template: fn === 'templatefile', ...span(literal) };
}

/** The key policies kept in files of their own (templatefile(), file()), to be read by the host. */
export function findTerraformPolicyFiles(root: HclNode, text: string): TerraformPolicyFile[] {
  return keyPolicyAttributes(root, text).flatMap(({ address, expression }) => {
    const file = policyFileOf(unwrap(expression)!, text);
    return file ? [{ address, ...file }] : [];
  });
}

/** Every key policy of the file's KMS key resources. */
export function findTerraformPolicies(root: HclNode, text: string): TerraformPolicy[] {
  const documents = new Map<string, HclNode>();
  for (const d of blocksOf(child(root, 'body'), 'data', text)) {
    const [type, name] = labels(d, text);
    if (type === 'aws_iam_policy_document' && name) documents.set(name, d);
  }
  const out: TerraformPolicy[] = [];
  for (const { address, expression, bypass } of keyPolicyAttributes(root, text)) {
    const base = { address, ...(bypass ? { bypassLockoutCheck: hclValue(bypass, text) } : {}) };
    const value = unwrap(expression)!;
    const heredoc = value.type === 'template_expr' ? child(value, 'heredoc_template') : undefined;
    if (value.type === 'function_call' && functionName(value, text) === 'jsonencode') {
      const arg = child(child(value, 'function_arguments'), 'expression');
      if (arg) out.push({ ...base, policy: hclValue(arg, text), format: 'hcl', problems: [] });
    } else if (heredoc) {
      const { policy, problems } = heredocPolicy(heredoc, text);
      if (policy) out.push({ ...base, policy, format: 'json', problems });
    } else {
      const document = documentReference(expression, text);
      const policy = document ? policyDocument(document, documents, text, new Set()) : undefined;
      if (policy) out.push({ ...base, policy, format: 'hcl', problems: [] });
    }
  }
  return out;
}
