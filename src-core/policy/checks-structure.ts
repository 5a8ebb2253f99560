/**
 * Grammar of the document: JSON types, known elements, required and exclusive elements, Version,
 * Effect, Sid, duplicate keys, the characters KMS accepts. Everything here is what KMS itself rejects
 * (errors) or what makes a statement mean something else than it reads (warnings).
 */
import { editFix, nameText, type CheckContext } from './context';
import { keySpan, replaceFix, spanOf } from './findings';
import type { StatementModel } from './model';
import { propsOf, type PNode, type PProp } from './tree';

const TOP_ELEMENTS = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const VERSIONS = ['2012-10-17', '2008-10-17'];

function checkUnknownElements(ctx: CheckContext, node: PNode, known: string[], where: string): void {
  for (const p of propsOf(node)) {
    if (known.includes(p.key)) continue;
    const right = known.find((k) => k.toLowerCase() === p.key.toLowerCase());
    // Renaming is the fix only when the right spelling is not already there (it would become a duplicate).
    const canRename = right !== undefined && !propsOf(node).some((o) => o.key === right);
    ctx.findings.add(
      'unknown-element',
      'error',
      right ? `"${p.key}" is not a ${where} element: element names are case-sensitive, write "${right}".` : `"${p.key}" is not a ${where} element (expected one of ${known.join(', ')}); KMS rejects the policy.`,
      keySpan(p),
      canRename ? replaceFix(`Rename to "${right}"`, keySpan(p), nameText(ctx, p.keyOffset, right)) : undefined,
    );
  }
}

/** Same key twice in one object: JSON readers keep the last silently, so the first is lost. */
function checkDuplicateKeys(ctx: CheckContext, node: PNode): void {
  if (node.kind === 'object') {
    const seen = new Map<string, PProp>();
    for (const p of node.props) {
      const before = seen.get(p.key);
      if (before) ctx.findings.add('duplicate-key', 'error', `"${p.key}" appears twice in this object; only the last one counts, so this one is ignored. Merge them.`, keySpan(before));
      seen.set(p.key, p);
      checkDuplicateKeys(ctx, p.value);
    }
  } else if (node.kind === 'array') {
    for (const item of node.items) checkDuplicateKeys(ctx, item);
  }
}

/** KMS accepts printable ASCII, printable Latin-1, tab, line feed and carriage return. */
const BAD_CHAR = /[^\t\n\r\x20-\x7e\xa0-\xff]/;

function checkCharacters(ctx: CheckContext, node: PNode): void {
  if (node.kind === 'string') {
    const m = BAD_CHAR.exec(node.value);
    if (m) {
      const code = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      ctx.findings.add('invalid-character', 'error', `U+${code} is not allowed in a key policy (only printable ASCII and Latin-1, tab, LF and CR); KMS rejects the policy.`, spanOf(node));
    }
  } else if (node.kind === 'object') {
    for (const p of node.props) {
      if (BAD_CHAR.test(p.key)) ctx.findings.add('invalid-character', 'error', `"${p.key}" contains a character KMS does not accept in a key policy.`, keySpan(p));
      checkCharacters(ctx, p.value);
    }
  } else if (node.kind === 'array') {
    for (const item of node.items) checkCharacters(ctx, item);
  }
}

function checkVersion(ctx: CheckContext): void {
  const { root, versionNode } = ctx.model;
  if (!versionNode) {
    const fix = editFix(ctx, 'Add "Version": "2012-10-17"', { kind: 'add-member', object: root, name: 'Version', value: '2012-10-17' });
    const usesVariables = ctx.model.statements.some((s) => s.resources.some((r) => r.value.includes('${')) || s.conditions.some((c) => c.values.some((v) => v.value.includes('${'))));
    ctx.findings.add('missing-version', usesVariables ? 'warning' : 'info',
      usesVariables ? 'The policy has no Version, so its policy variables are matched literally: add "Version": "2012-10-17".' : 'The policy has no Version: add "Version": "2012-10-17" (without it policy variables are not substituted).',
      { offset: root.offset, length: 1 }, fix);
    return;
  }
  if (versionNode.kind === 'dynamic') return;
  if (versionNode.kind !== 'string' || !VERSIONS.includes(versionNode.value)) {
    ctx.findings.add('invalid-version', 'error', 'Version must be "2012-10-17" (or the older "2008-10-17"); KMS rejects any other value.', spanOf(versionNode), replaceFix('Use "2012-10-17"', spanOf(versionNode), '"2012-10-17"'));
    return;
  }
  if (versionNode.value === '2008-10-17') {
    const usesVariables = ctx.model.statements.some((s) => s.resources.some((r) => r.value.includes('${')) || s.conditions.some((c) => c.values.some((v) => v.value.includes('${'))));
    ctx.findings.add(
      'old-version',
      usesVariables ? 'warning' : 'info',
      usesVariables ? 'Version 2008-10-17 does not substitute policy variables: the ${…} in this policy are matched literally. Use "2012-10-17".' : 'Version 2008-10-17 is the old policy language; use "2012-10-17".',
      spanOf(versionNode),
      replaceFix('Use "2012-10-17"', spanOf(versionNode), '"2012-10-17"'),
    );
  }
}

function isStringList(node: PNode): boolean {
  return node.kind === 'string' || node.kind === 'dynamic' || (node.kind === 'array' && node.items.every((n) => n.kind === 'string' || n.kind === 'dynamic'));
}

function checkPair(ctx: CheckContext, st: StatementModel, a: string, b: string, why: string): void {
  const pa = propsOf(st.node).find((p) => p.key === a);
  const pb = propsOf(st.node).find((p) => p.key === b);
  if (pa && pb) ctx.findings.add('conflicting-elements', 'error', `A statement has either ${a} or ${b}, not both; KMS rejects the policy.`, keySpan(pb));
  if (!pa && !pb) {
    // Only Resource has an obvious value: in a key policy it is always "*".
    const fix = a === 'Resource' ? editFix(ctx, 'Add "Resource": "*"', { kind: 'add-member', object: st.node, name: 'Resource', value: '*' }) : undefined;
    ctx.findings.add('missing-element', 'error', `This statement has no ${a} (or ${b}): ${why}`, statementAnchor(st), fix);
  }
}

/** Where to point at a whole statement: its Sid when it has one, else its opening brace. */
export function statementAnchor(st: StatementModel): { offset: number; length: number } {
  return st.sid ? spanOf(st.sid.node) : { offset: st.node.offset, length: 1 };
}

function checkStatement(ctx: CheckContext, st: StatementModel): void {
  checkUnknownElements(ctx, st.node, STATEMENT_ELEMENTS, 'statement');
  const props = propsOf(st.node);
  const effectProp = props.find((p) => p.key === 'Effect');
  if (!effectProp) {
    ctx.findings.add('missing-element', 'error', 'This statement has no Effect: add "Effect": "Allow" or "Deny".', statementAnchor(st));
  } else if (effectProp.value.kind !== 'dynamic' && !st.effect) {
    const v = effectProp.value;
    const text = v.kind === 'string' ? v.value : '';
    const right = ['Allow', 'Deny'].find((e) => e.toLowerCase() === text.toLowerCase());
    ctx.findings.add(
      'invalid-effect',
      'error',
      right ? `Effect is case-sensitive: write "${right}".` : 'Effect must be "Allow" or "Deny".',
      spanOf(v),
      right ? replaceFix(`Use "${right}"`, spanOf(v), `"${right}"`) : undefined,
    );
  }
  checkPair(ctx, st, 'Principal', 'NotPrincipal', 'every key-policy statement must name who it applies to; KMS rejects the policy.');
  checkPair(ctx, st, 'Action', 'NotAction', 'KMS rejects statements without Action or NotAction (since 2025-08).');
  checkPair(ctx, st, 'Resource', 'NotResource', 'KMS rejects statements without Resource (since 2025-08); in a key policy write "Resource": "*".');

  for (const p of props) {
    const v = p.value;
    if (['Action', 'NotAction', 'Resource', 'NotResource'].includes(p.key)) {
      if (!isStringList(v)) ctx.findings.add('invalid-type', 'error', `${p.key} must be a string or an array of strings.`, spanOf(v));
      else if (v.kind === 'array' && v.items.length === 0) ctx.findings.add('empty-value', 'warning', `${p.key} is an empty array: this statement matches nothing.`, spanOf(v));
    } else if (p.key === 'Sid' && v.kind !== 'string' && v.kind !== 'dynamic') {
      ctx.findings.add('invalid-type', 'error', 'Sid must be a string.', spanOf(v));
    } else if (p.key === 'Sid' && v.kind === 'string' && v.value === '') {
      ctx.findings.add('empty-sid', 'info', 'Sid is empty: remove it or name the statement.', spanOf(v));
    } else if (p.key === 'Condition' && v.kind !== 'object' && v.kind !== 'dynamic') {
      ctx.findings.add('invalid-type', 'error', 'Condition must be an object of operators, each an object of condition keys.', spanOf(v));
    } else if (p.key === 'Condition' && v.kind === 'object') {
      if (v.props.length === 0) ctx.findings.add('empty-value', 'info', 'Condition is empty: remove it.', spanOf(v));
      for (const op of v.props) {
        if (op.value.kind !== 'object' && op.value.kind !== 'dynamic') ctx.findings.add('invalid-type', 'error', `The value of ${op.key} must be an object of condition keys.`, spanOf(op.value));
        for (const k of propsOf(op.value)) {
          const kv = k.value;
          const scalars = kv.kind === 'array' ? kv.items : [kv];
          for (const s of scalars) {
            if (s.kind === 'object' || s.kind === 'array' || s.kind === 'null') ctx.findings.add('invalid-type', 'error', 'A condition value must be a string, number or boolean (or an array of them).', spanOf(s));
          }
        }
      }
    }
  }
}

function checkSids(ctx: CheckContext): void {
  const seen = new Map<string, StatementModel>();
  for (const st of ctx.model.statements) {
    if (!st.sid || st.sid.value === '' || st.conditional) continue;
    if (seen.has(st.sid.value)) ctx.findings.add('duplicate-sid', 'warning', `Sid "${st.sid.value}" is already used by another statement; give each statement its own Sid.`, spanOf(st.sid.node));
    else seen.set(st.sid.value, st);
  }
}

export const KEY_POLICY_MAX_BYTES = 32768;

/** The size KMS measures: the UTF-8 bytes of the document sent. */
export function checkSize(ctx: CheckContext, bytes: number): void {
  const at = { offset: ctx.model.root.offset, length: 1 };
  if (bytes > KEY_POLICY_MAX_BYTES) {
    ctx.findings.add('policy-too-large', 'error', `The policy is ${bytes} bytes; KMS accepts at most ${KEY_POLICY_MAX_BYTES} bytes (not adjustable). Merge statements or use grants.`, at);
  } else if (bytes > KEY_POLICY_MAX_BYTES * 0.9) {
    ctx.findings.add('policy-near-limit', 'info', `The policy is ${bytes} of ${KEY_POLICY_MAX_BYTES} bytes: close to the KMS limit.`, at);
  }
}

export function checkStructure(ctx: CheckContext): void {
  const { root, statementProp } = ctx.model;
  if (root.kind !== 'object') {
    ctx.findings.add('invalid-type', 'error', 'A key policy must be a JSON object with Version and Statement.', spanOf(root));
    return;
  }
  checkDuplicateKeys(ctx, root);
  checkCharacters(ctx, root);
  checkUnknownElements(ctx, root, TOP_ELEMENTS, 'policy');
  checkVersion(ctx);
  const id = propsOf(root).find((p) => p.key === 'Id');
  if (id && id.value.kind !== 'string' && id.value.kind !== 'dynamic') ctx.findings.add('invalid-type', 'error', 'Id must be a string.', spanOf(id.value));
  if (!statementProp) {
    ctx.findings.add('missing-element', 'error', 'The policy has no Statement: add at least one statement.', { offset: root.offset, length: 1 });
    return;
  }
  const sv = statementProp.value;
  if (sv.kind === 'array') {
    if (sv.items.length === 0) ctx.findings.add('missing-element', 'error', 'Statement is empty: a key policy needs at least one statement.', spanOf(sv));
    for (const item of sv.items) if (item.kind !== 'object' && item.kind !== 'dynamic') ctx.findings.add('invalid-type', 'error', 'Each statement must be an object.', spanOf(item));
  } else if (sv.kind !== 'object' && sv.kind !== 'dynamic') {
    ctx.findings.add('invalid-type', 'error', 'Statement must be an object or an array of objects.', spanOf(sv));
  }
  for (const st of ctx.model.statements) checkStatement(ctx, st);
  checkSids(ctx);
}
