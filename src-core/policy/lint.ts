/**
 * Entry points of the key-policy checker, shared by the language server, `kmsw lint` and the UI:
 * a bare key-policy document, or any JSON/YAML text that may be a CloudFormation template with
 * key policies inside (findings then point into the template).
 */
import { findEmbeddedPolicies, parseYaml } from './cfn';
import { checkConditions } from './checks-conditions';
import { checkElements } from './checks-elements';
import { checkKeyType } from './checks-key-type';
import { checkSemantics } from './checks-semantics';
import { checkSize, checkStructure, KEY_POLICY_MAX_BYTES } from './checks-structure';
import { editWriter, type CheckContext, type LintOptions, type PolicyFormat } from './context';
import { FindingList, spanOf, type Finding } from './findings';
import { buildModel } from './model';
import { getProp, parseJson, stringItems, toValue, type PNode, type SyntaxProblem } from './tree';

export type { Finding, Severity, TextEdit } from './findings';
export type { LintOptions } from './context';
export { CHECKS, type CheckCode } from './catalogue';

export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function finish(findings: FindingList, options: LintOptions): Finding[] {
  const disabled = new Set(options.disabled ?? []);
  return findings.items.filter((f) => !disabled.has(f.code)).sort((a, b) => a.offset - b.offset || a.code.localeCompare(b.code));
}

export function syntaxFindings(findings: FindingList, problems: SyntaxProblem[], code: 'json-syntax' | 'yaml-syntax' | 'hcl-syntax'): void {
  const consequence = code === 'json-syntax' ? 'KMS rejects a policy that is not valid JSON' : code === 'hcl-syntax' ? 'Terraform cannot read the file' : 'the template cannot be read';
  // A reader reports several symptoms of one mistake at the same place ("Unterminated string", "Comma expected"): keep the first.
  const seen = new Set<number>();
  for (const p of problems) {
    if (seen.has(p.offset)) continue;
    seen.add(p.offset);
    findings.add(code, 'error', `${p.message}; ${consequence}.`, p);
  }
}

/** Findings about a statement as a whole: after a syntax error in it, what it seems to lack may just be unreadable. */
const WHOLE_STATEMENT_CODES = new Set(['missing-element', 'conflicting-elements']);

/**
 * Drops what error recovery made up: every finding from the first syntax error on, and the whole-statement
 * findings of the statement that error sits in (its text before the error is still real and still checked).
 */
function withoutDamage(found: FindingList, root: PNode, damagedFrom: number): Finding[] {
  const sv = getProp(root, 'Statement')?.value;
  const statements = !sv ? [] : sv.kind === 'array' ? sv.items : [sv];
  const damaged = statements.find((st) => st.offset <= damagedFrom && damagedFrom <= st.offset + st.length);
  return found.items.filter((f) => f.offset < damagedFrom && !(damaged && WHOLE_STATEMENT_CODES.has(f.code) && f.offset >= damaged.offset));
}

/** Policies this much over the quota get only the size finding. */
const CHEAP_PATH_BYTES = KEY_POLICY_MAX_BYTES * 2;

/**
 * Runs every check on one policy tree. `bytes` is the size KMS will see; `damagedFrom` is the offset of the
 * first syntax error, if any: the whole-policy checks (lockout, size) then wait for valid text, and nothing is
 * reported from the damaged region.
 */
export function lintTree(root: PNode, text: string, format: PolicyFormat, options: LintOptions, findings: FindingList, bytes: number, damagedFrom?: number): void {
  const own = new FindingList();
  const ctx: CheckContext = { model: buildModel(root), findings: own, options, text, writer: editWriter(format, text) };
  if (bytes > CHEAP_PATH_BYTES) {
    // Far past the quota nothing else matters, and the checks need not spend seconds on megabytes.
    checkSize(ctx, bytes);
  } else {
    checkStructure(ctx);
    if (root.kind === 'object') {
      checkElements(ctx);
      checkConditions(ctx);
      checkKeyType(ctx);
      if (damagedFrom === undefined) {
        checkSemantics(ctx);
        checkSize(ctx, bytes);
      }
    }
  }
  findings.items.push(...(damagedFrom === undefined ? own.items : withoutDamage(own, root, damagedFrom)));
}

export const firstProblem = (problems: SyntaxProblem[]) => (problems.length ? Math.min(...problems.map((p) => p.offset)) : undefined);

/** Lints a key-policy JSON document. */
export function lintPolicyText(text: string, options: LintOptions = {}): Finding[] {
  const findings = new FindingList();
  const { root, problems } = parseJson(text);
  syntaxFindings(findings, problems, 'json-syntax');
  if (root) lintTree(root, text, 'json', options, findings, utf8Length(text), firstProblem(problems));
  else if (!problems.length) findings.add('json-syntax', 'error', 'The document is empty; a key policy is a JSON object.', { offset: 0, length: 0 });
  return finish(findings, options);
}

function isTrue(node: PNode | undefined): boolean {
  return (node?.kind === 'boolean' && node.value) || (node?.kind === 'string' && node.value.toLowerCase() === 'true');
}

/**
 * Lints a JSON or YAML document: every key policy of a CloudFormation template (AWS::KMS::Key and
 * AWS::KMS::ReplicaKey KeyPolicy), or the document itself when it is a bare key policy.
 */
export function lintDocument(text: string, languageId: 'json' | 'yaml', options: LintOptions = {}): Finding[] {
  const scan = findEmbeddedPolicies(text, languageId);
  if (!scan.isTemplate) {
    if (languageId === 'json') return lintPolicyText(text, options);
    const findings = new FindingList();
    const { root, problems } = parseYaml(text);
    syntaxFindings(findings, problems, 'yaml-syntax');
    if (root && isKeyPolicyTree(root)) lintTree(root, text, 'yaml', options, findings, utf8Length(JSON.stringify(toValue(root))), firstProblem(problems));
    return finish(findings, options);
  }
  const findings = new FindingList();
  syntaxFindings(findings, scan.problems, languageId === 'json' ? 'json-syntax' : 'yaml-syntax');
  for (const embedded of scan.policies) {
    lintEmbedded(embedded.policy, text, languageId, { ...options, key: options.key ?? embedded.key }, findings, firstProblem(scan.problems), embedded.bypassLockoutCheck);
  }
  return finish(findings, options);
}

/**
 * Lints a policy embedded in a template or module (CloudFormation, Terraform), measured as the minified JSON
 * the tool sends, with what the resource's lockout-bypass flag changes about the lockout findings.
 */
export function lintEmbedded(policy: PNode, text: string, format: PolicyFormat, options: LintOptions, findings: FindingList, damagedFrom: number | undefined, bypassNode: PNode | undefined, bypassName = 'BypassPolicyLockoutSafetyCheck'): void {
  const own = new FindingList();
  lintTree(policy, text, format, options, own, utf8Length(JSON.stringify(toValue(policy))), damagedFrom);
  const bypass = isTrue(bypassNode);
  const lockedOut = own.items.some((f) => f.code === 'lockout-risk');
  for (const f of own.items) {
    if (bypass && f.code === 'lockout-risk') {
      findings.add('lockout-risk', 'warning', `${bypassName} is set, so KMS accepts this policy, but nobody could call kms:PutKeyPolicy on the key afterwards. Allow the account root kms:PutKeyPolicy.`, f, f.fix);
    } else findings.items.push(f);
  }
  if (bypass && bypassNode) {
    // Harmless when the policy passes the check anyway; a real risk when it is what lets a lockout through.
    findings.add('bypass-lockout-check', lockedOut ? 'warning' : 'info',
      lockedOut ? `${bypassName} lets this policy lock everyone out of the key; remove it and fix the policy.` : `${bypassName} is not needed: this policy passes the lockout safety check. AWS advises against setting it.`,
      spanOf(bypassNode));
  }
}

/** A JSON/YAML value that looks like a key policy: an object whose statements name kms: actions. */
function isKeyPolicyTree(root: PNode): boolean {
  const sv = getProp(root, 'Statement')?.value;
  const statements = !sv ? [] : sv.kind === 'array' ? sv.items : [sv];
  return statements.some((st) => {
    const actions = getProp(st, 'Action')?.value ?? getProp(st, 'NotAction')?.value;
    return stringItems(actions).some((a) => /^kms:/i.test(a.value));
  });
}

/** Any JSON document whose statements contain kms: actions (what the language server lints without a glob match). */
export function isKeyPolicyDocument(text: string): boolean {
  if (!/"kms:/i.test(text)) return false;
  const { root } = parseJson(text);
  return root !== undefined && isKeyPolicyTree(root);
}
