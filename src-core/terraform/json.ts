/**
 * Key policies of a Terraform JSON-syntax file (.tf.json): `resource.<kms key type>.<name>.policy` as a JSON
 * string holding the policy (a template: `${…}` parts are unknowns), or as an object (what jsonencode of that
 * object renders). Findings sit in the .tf.json text; inside a string they carry no quick fix, since a fix's
 * JSON text would need the string's escaping.
 */
import { FindingList, type Finding } from '../policy/findings';
import { finish, firstProblem, lintEmbedded, syntaxFindings, type LintOptions } from '../policy/lint';
import { parseJson, propsOf, type PNode, type PProp, type SyntaxProblem } from '../policy/tree';
import { KEY_POLICY_RESOURCES } from './policies';
import { parseTemplateJson, templateParts } from './template';

/** Blocks in Terraform JSON may be an object or an array of objects. */
const blockProps = (node: PNode | undefined): PProp[] => (node?.kind === 'array' ? node.items.flatMap(propsOf) : propsOf(node));

/** The text of a JSON string literal and, per character of it, its offset in the file. */
function decodeString(text: string, node: PNode): { value: string; at: number[] } {
  let value = '';
  const at: number[] = [];
  const end = node.offset + node.length - 1;
  for (let i = node.offset + 1; i < end; i++) {
    at.push(i);
    if (text[i] !== '\\') {
      value += text[i];
      continue;
    }
    const e = text[++i];
    if (e === 'u') {
      value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else value += ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
  }
  at.push(end);
  return { value, at };
}

/** Moves a tree parsed from a decoded string to the file's offsets. */
function relocate(node: PNode, at: number[]): PNode {
  const move = (offset: number, length: number) => ({ offset: at[offset], length: at[offset + length] - at[offset] });
  const moved = { ...node, ...move(node.offset, node.length) } as PNode;
  if (moved.kind === 'object') moved.props = moved.props.map((p) => ({ ...p, keyOffset: at[p.keyOffset], keyLength: at[p.keyOffset + p.keyLength] - at[p.keyOffset], value: relocate(p.value, at) }));
  if (moved.kind === 'array') moved.items = moved.items.map((n) => relocate(n, at));
  return moved;
}

function policyOf(value: PNode, text: string): { policy?: PNode; problems: SyntaxProblem[]; inString: boolean } {
  if (value.kind === 'object') return { policy: value, problems: [], inString: false };
  if (value.kind !== 'string' || !value.value.trimStart().startsWith('{')) return { problems: [], inString: false };
  const { value: decoded, at } = decodeString(text, value);
  const { policy, problems } = parseTemplateJson(decoded, templateParts(decoded));
  return {
    policy: policy && relocate(policy, at),
    problems: problems.map((p) => ({ ...p, offset: at[p.offset], length: Math.max(1, at[Math.min(p.offset + p.length, decoded.length)] - at[p.offset]) })),
    inString: true,
  };
}

export function lintTerraformJson(text: string, options: LintOptions = {}): Finding[] {
  const findings = new FindingList();
  const { root, problems } = parseJson(text);
  syntaxFindings(findings, problems, 'json-syntax');
  for (const byType of blockProps(root).filter((p) => p.key === 'resource').flatMap((p) => blockProps(p.value))) {
    if (!KEY_POLICY_RESOURCES.includes(byType.key)) continue;
    for (const resource of blockProps(byType.value)) {
      for (const body of resource.value.kind === 'array' ? resource.value.items : [resource.value]) {
        const attrs = propsOf(body);
        const value = attrs.find((p) => p.key === 'policy')?.value;
        if (!value) continue;
        const { policy, problems: inner, inString } = policyOf(value, text);
        if (!policy) continue;
        syntaxFindings(findings, inner, 'json-syntax');
        const own = new FindingList();
        lintEmbedded(policy, text, 'json', options, own, firstProblem([...problems, ...inner]), attrs.find((p) => p.key === 'bypass_policy_lockout_safety_check')?.value, 'bypass_policy_lockout_safety_check');
        findings.items.push(...(inString ? own.items.map(({ fix: _fix, ...f }) => f) : own.items));
      }
    }
  }
  return finish(findings, options);
}
