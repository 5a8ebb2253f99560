/**
 * The key-policy checks on a Terraform file: HCL syntax errors, then every key policy of a KMS key resource
 * (see policies.ts) with the same checks as JSON, findings at their HCL ranges.
 */
import { FindingList, type Finding } from '../policy/findings';
import { finish, firstProblem, lintEmbedded, lintPolicyText, syntaxFindings, type LintOptions } from '../policy/lint';
import { hclEditWriter } from './edits';
import { findTerraformPolicies, findTerraformPolicyFiles, type TerraformPolicyFile } from './policies';
import { syntaxErrors, type HclNode, type HclParse } from './syntax';
import { parseTemplateJson, templateParts } from './template';

export function lintTerraform(text: string, parse: HclParse, options: LintOptions = {}): Finding[] {
  return lintTerraformModule(text, parse, options).findings;
}

/** Reads a file of the module by its path relative to the module's folder; undefined when there is none. */
export type ReadModuleFile = (path: string) => string | undefined;

/** A key-policy file a .tf file names, with the findings in that file (none read when it is missing). */
export interface PolicyFileFindings {
  file: TerraformPolicyFile;
  findings?: Finding[];
}

/**
 * A .tf file's findings and, when the host can read the module's files, those of the key-policy files it names
 * (templatefile(), file()): each checked as a key policy in its own text; a missing one is a finding at its name.
 */
export function lintTerraformModule(text: string, parse: HclParse, options: LintOptions = {}, read?: ReadModuleFile): { findings: Finding[]; files: PolicyFileFindings[] } {
  return parse(text, (root) => {
    const files = !read ? [] : findTerraformPolicyFiles(root, text).map((file): PolicyFileFindings => {
      const content = read(file.path);
      return content === undefined ? { file } : { file, findings: lintPolicyFile(content, file.template, options) };
    });
    return { findings: lintModule(root, text, options, files.filter((f) => !f.findings).map((f) => f.file)), files };
  });
}

/** A key policy read by templatefile() (a template: `${…}` and `%{…}` are unknowns) or file() (plain JSON). */
export function lintPolicyFile(text: string, template: boolean, options: LintOptions = {}): Finding[] {
  return template ? lintPolicyTemplate(text, options) : lintPolicyText(text, options);
}

function lintModule(root: HclNode, text: string, options: LintOptions, missing: TerraformPolicyFile[]): Finding[] {
  const findings = new FindingList();
  for (const file of missing) {
    findings.add('policy-file-missing', 'error', `${file.address} reads its key policy from "${file.path}", which is not in the module's folder; terraform plan fails.`, file);
  }
  const errors = syntaxErrors(root).map((e) => ({
    message: e.isMissing ? `Missing ${e.type}` : 'Unexpected text',
    offset: e.startIndex,
    length: Math.max(1, Math.min(e.endIndex - e.startIndex, text.indexOf('\n', e.startIndex) >= 0 ? text.indexOf('\n', e.startIndex) - e.startIndex : text.length - e.startIndex)),
  }));
  syntaxFindings(findings, errors, 'hcl-syntax');
  for (const tf of findTerraformPolicies(root, text)) {
    syntaxFindings(findings, tf.problems, 'json-syntax');
    const inside = errors.filter((e) => e.offset >= tf.policy.offset && e.offset < tf.policy.offset + tf.policy.length);
    lintEmbedded(tf.policy, text, tf.format === 'json' ? 'json' : hclEditWriter(text), options, findings, firstProblem([...inside, ...tf.problems]), tf.bypassLockoutCheck, 'bypass_policy_lockout_safety_check');
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
