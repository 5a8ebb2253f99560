/**
 * The key-policy checks on a Terraform file: HCL syntax errors, then every key policy of a KMS key resource
 * (see policies.ts) with the same checks as JSON, findings at their HCL ranges.
 */
import { FindingList, type Finding } from '../policy/findings';
import { finish, firstProblem, lintEmbedded, syntaxFindings, type LintOptions } from '../policy/lint';
import { findTerraformPolicies } from './policies';
import { syntaxErrors, type HclNode, type HclParse } from './syntax';
import { parseTemplateJson, templateParts } from './template';

export function lintTerraform(text: string, parse: HclParse, options: LintOptions = {}): Finding[] {
  return parse(text, (root) => lintModule(root, text, options));
}

function lintModule(root: HclNode, text: string, options: LintOptions): Finding[] {
  const findings = new FindingList();
  const errors = syntaxErrors(root).map((e) => ({
    message: e.isMissing ? `Missing ${e.type}` : 'Unexpected text',
    offset: e.startIndex,
    length: Math.max(1, Math.min(e.endIndex - e.startIndex, text.indexOf('\n', e.startIndex) >= 0 ? text.indexOf('\n', e.startIndex) - e.startIndex : text.length - e.startIndex)),
  }));
  syntaxFindings(findings, errors, 'hcl-syntax');
  for (const tf of findTerraformPolicies(root, text)) {
    syntaxFindings(findings, tf.problems, 'json-syntax');
    const inside = errors.filter((e) => e.offset >= tf.policy.offset && e.offset < tf.policy.offset + tf.policy.length);
    lintEmbedded(tf.policy, text, tf.format, options, findings, firstProblem([...inside, ...tf.problems]), tf.bypassLockoutCheck, 'bypass_policy_lockout_safety_check');
  }
  return finish(findings, options);
}

/** A key-policy template (`templatefile("policy.json.tpl", …)`): JSON whose `${…}` and `%{…}` parts are unknowns. */
export function lintPolicyTemplate(text: string, options: LintOptions = {}): Finding[] {
  const findings = new FindingList();
  const { policy, problems } = parseTemplateJson(text, templateParts(text));
  syntaxFindings(findings, problems, 'json-syntax');
  if (policy) lintEmbedded(policy, text, 'json', options, findings, firstProblem(problems), undefined);
  return finish(findings, options);
}
