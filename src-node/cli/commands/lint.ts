/**
 * `kmsw lint`: the key-policy checks of the editor, for CI. Lints key-policy JSON files,
 * CloudFormation templates (JSON or YAML) and Terraform files, and prints the findings as text, JSON or SARIF.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ACCOUNT_ID_PATTERN } from '../../../src-core/ids/identifiers';
import { CHECKS, isKeyPolicyDocument, lintDocument, type Finding, type LintOptions } from '../../../src-core/policy/lint';
import { lintTerraformJson } from '../../../src-core/terraform/json';
import { lintPolicyTemplate, lintTerraform, lintTerraformModule } from '../../../src-core/terraform/lint';
import type { HclParse } from '../../../src-core/terraform/syntax';
import { loadHclParser } from '../../terraform/hcl-parser';
import { parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
/** The least severity that fails the run (exit 1); `none` never fails on findings. */
const FAIL_ON = ['error', 'warning', 'info', 'none'] as const;
type FailOn = (typeof FAIL_ON)[number];
const RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

export interface LintRecord {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  code: string;
  message: string;
}

const HELP = `Usage: kmsw lint [--format text|json|sarif] [--fail-on error|warning|info|none] [--account ID]... [--disable CODE[,CODE]]... FILE|DIR...

Checks KMS key policies: *.json key-policy documents, CloudFormation templates (JSON or YAML;
the KeyPolicy of every AWS::KMS::Key and AWS::KMS::ReplicaKey) and Terraform files (.tf: the policy
of every aws_kms_key, aws_kms_key_policy and replica/external key, as jsonencode, heredoc or
aws_iam_policy_document; a policy read by templatefile() or file() is checked in its own file). A directory is searched for .json, .yaml, .yml, .template and .tf
files that are key policies, templates with KMS keys or modules with KMS keys
(node_modules and dot-directories are skipped); files named on the command line are always linted.

Options:
  --format text|json|sarif  Output format (default text). json prints an array of
                            {file, line, column, endLine, endColumn, severity, code, message}
                            with 1-based positions; sarif prints SARIF 2.1.0.
  --fail-on error|warning|info|none
                            The least severity that makes the run fail (default error);
                            none reports findings but never fails on them.
  --account ID              An account on the key's side (repeatable): principals of other
                            accounts count as cross-account.
  --disable CODE[,CODE]     Leave these finding codes out (repeatable), e.g. redundant-action.

Exit status: 0 nothing at or above --fail-on found, 1 something was, 2 usage problem, unreadable
file or internal error, 130 interrupted (SIGINT/SIGTERM).`;

function parseLintArgs(args: string[]): { format: Format; failOn: FailOn; accounts: string[]; disabled: string[]; files: string[] } {
  const parsed = parseArgs(args, { values: ['--format', '--fail-on'], repeatable: ['--account', '--disable'] });
  const format = parsed.value('--format') ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const failOn = parsed.value('--fail-on') ?? 'error';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${failOn}"`);
  const accounts = parsed.values('--account');
  for (const v of accounts) if (!ACCOUNT_ID_PATTERN.test(v)) throw new UsageError(`--account takes a 12-digit account ID, not "${v}"`);
  const disabled = parsed.values('--disable').flatMap((v) => v.split(',').map((c) => c.trim()).filter(Boolean));
  for (const code of disabled) if (!Object.hasOwn(CHECKS, code)) throw new UsageError(`--disable: "${code}" is not a finding code`);
  if (parsed.positionals.length === 0) throw new UsageError('name at least one file to lint');
  return { format: format as Format, failOn: failOn as FailOn, accounts, disabled, files: parsed.positionals };
}

/** 0-based UTF-16 offset → 1-based line and column (columns count UTF-16 code units, as LSP and SARIF do). */
function positionFinder(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
}

const TERRAFORM = /\.tf$/i;
const TERRAFORM_JSON = /\.tf\.json$/i;
const POLICY_TEMPLATE = /\.json\.tpl$/i;

/** Findings of one file as records; a Terraform file needs the HCL parser (loadHclParser). */
export function lintRecords(file: string, text: string, options: LintOptions = {}, hcl?: HclParse): LintRecord[] {
  let findings: Finding[];
  if (TERRAFORM.test(file)) {
    if (!hcl) throw new Error('the HCL parser is needed for Terraform files');
    findings = lintTerraform(text, hcl, options);
  } else if (TERRAFORM_JSON.test(file)) findings = lintTerraformJson(text, options);
  else if (POLICY_TEMPLATE.test(file)) findings = lintPolicyTemplate(text, options);
  else findings = lintDocument(text, /\.ya?ml$/i.test(file) ? 'yaml' : 'json', options);
  return toRecords(file, text, findings);
}

function toRecords(file: string, text: string, findings: Finding[]): LintRecord[] {
  const at = positionFinder(text);
  return findings.map((f) => {
    const start = at(f.offset);
    const end = at(f.offset + f.length);
    return { file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, severity: f.severity, code: f.code, message: f.message };
  });
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function sarif(records: LintRecord[]): unknown {
  const rules = [...new Set(records.map((r) => r.code))].sort().map((id) => ({ id }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'kmsw lint', informationUri: 'https://github.com/kms-workbench', rules } },
      results: records.map((r) => ({
        ruleId: r.code,
        level: SARIF_LEVEL[r.severity],
        message: { text: r.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn } } }],
      })),
    }],
  };
}

const LINTABLE = /\.(json|ya?ml|template|tf|json\.tpl)$/i;

/** Files under a directory that may hold key policies, as paths relative to the working directory. */
async function filesUnder(dir: string, cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...(await filesUnder(path, cwd)));
    else if (entry.isFile() && LINTABLE.test(entry.name)) out.push(relative(cwd, path) || path);
  }
  return out.sort();
}

/** A file found in a directory is linted only when it is a key policy or a template with KMS keys. */
function worthLinting(text: string, file: string): boolean {
  if (TERRAFORM.test(file) || TERRAFORM_JSON.test(file)) return text.includes('aws_kms_');
  if (POLICY_TEMPLATE.test(file)) return text.includes('kms:');
  if (text.includes('AWS::KMS::')) return true;
  return !/\.ya?ml$/i.test(file) && isKeyPolicyDocument(text);
}

/**
 * A .tf file's records and those of the key-policy files it names (templatefile(), file()), which are read
 * relative to its folder and named like `file` (relative or absolute); `linted` holds what is done already.
 */
function terraformRecords(file: string, path: string, text: string, options: LintOptions, hcl: HclParse, cwd: string, linted: Set<string>): LintRecord[] {
  const read = new Map<string, string>();
  const { findings, files } = lintTerraformModule(text, hcl, options, (p) => {
    const at = resolve(dirname(path), p);
    try {
      read.set(at, readFileSync(at, 'utf8'));
      return read.get(at);
    } catch {
      return undefined;
    }
  });
  const records = toRecords(file, text, findings);
  for (const { file: policyFile, findings: found } of files) {
    const at = resolve(dirname(path), policyFile.path);
    if (!found || linted.has(at)) continue;
    linted.add(at);
    records.push(...toRecords(isAbsolute(file) ? at : relative(cwd, at), read.get(at)!, found));
  }
  return records;
}

/**
 * Reads the files of a list a few ahead of the one being checked, so waiting for the disk overlaps the checks
 * (a read that fails is reported when its file's turn comes, like a read made then).
 */
function readAhead(paths: string[], window = 16): (index: number) => Promise<string> {
  const pending = new Map<number, Promise<{ text: string } | { error: unknown }>>();
  return async (index) => {
    for (let i = index; i < Math.min(paths.length, index + window); i++) {
      if (!pending.has(i)) pending.set(i, readFile(paths[i], 'utf8').then((text) => ({ text }), (error: unknown) => ({ error })));
    }
    const read = await pending.get(index)!;
    pending.delete(index);
    if ('error' in read) throw read.error;
    return read.text;
  };
}

/** Lets a pending SIGINT/SIGTERM be delivered between files (each file is checked synchronously). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function run(args: string[], io: CliIo): Promise<number> {
  const { format, failOn, accounts, disabled, files: named } = parseLintArgs(args);
  const options: LintOptions = { ...(accounts.length ? { accountIds: accounts } : {}), ...(disabled.length ? { disabled } : {}) };
  const records: LintRecord[] = [];
  let unreadable = false;
  const cannotRead = (file: string, e: unknown) => {
    io.stderr(`kmsw lint: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    unreadable = true;
  };
  // Absolute paths of the files checked: a policy file named by a .tf file and found in a folder is checked once.
  const linted = new Set<string>();
  for (const arg of named) {
    const path = isAbsolute(arg) ? arg : resolve(io.cwd, arg);
    let found: { file: string; explicit: boolean }[];
    try {
      found = (await stat(path)).isDirectory() ? (await filesUnder(path, io.cwd)).map((file) => ({ file, explicit: false })) : [{ file: arg, explicit: true }];
    } catch (e) {
      cannotRead(arg, e);
      continue;
    }
    const absolute = found.map(({ file }) => (isAbsolute(file) ? file : resolve(io.cwd, file)));
    const read = readAhead(absolute);
    for (const [index, { file, explicit }] of found.entries()) {
      await breathe();
      if (io.signal.aborted) {
        io.stderr('kmsw lint: interrupted\n');
        return 130;
      }
      const at = absolute[index];
      if (linted.has(at)) continue;
      let text: string;
      try {
        text = await read(index);
      } catch (e) {
        cannotRead(file, e);
        continue;
      }
      if (!explicit && !worthLinting(text, file)) continue;
      linted.add(at);
      try {
        if (TERRAFORM.test(file)) records.push(...terraformRecords(file, at, text, options, await loadHclParser(), io.cwd, linted));
        else records.push(...lintRecords(file, text, options));
      } catch (e) {
        // A bug of ours, not a finding: say so and exit 2, so CI never mistakes it for "policy has errors".
        io.stderr(`kmsw lint: internal error while checking ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
      }
    }
  }
  if (format === 'json') io.stdout(`${JSON.stringify(records, null, 2)}\n`);
  else if (format === 'sarif') io.stdout(`${JSON.stringify(sarif(records), null, 2)}\n`);
  else {
    for (const r of records) io.stdout(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}\n`);
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const of = (s: Finding['severity']) => records.filter((r) => r.severity === s).length;
    io.stdout(`${count(linted.size, 'file')}: ${count(of('error'), 'error')}, ${count(of('warning'), 'warning')}, ${count(of('info'), 'note')}\n`);
  }
  if (unreadable) return 2;
  return failOn !== 'none' && records.some((r) => RANK[r.severity] <= RANK[failOn]) ? 1 : 0;
}

export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'Check KMS key policies (JSON files, CloudFormation templates) for errors and risks',
  help: HELP,
  run,
};
