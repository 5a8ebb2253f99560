/** `kmsw lint` run in-process: formats, 1-based positions and exit codes. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError, type CliIo } from '../../../src-node/cli/command';
import { lintCommand, type LintRecord } from '../../../src-node/cli/commands/lint';
import { fixture } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'kmsw-lint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BAD = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Action": [
        "kms:*",
        "kms:Decrypted"
      ],
      "Resource": "*"
    }
  ]
}
`;
writeFileSync(join(dir, 'bad.json'), BAD);
writeFileSync(join(dir, 'good.json'), fixture('aws-clean/console-default-symmetric.json'));
writeFileSync(join(dir, 'template.yaml'), 'Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Principal: "*"\n            Action: kms:Decrypt\n            Resource: "*"\n          - Effect: Allow\n            Principal:\n              AWS: "111122223333"\n            Action: kms:*\n            Resource: "*"\n');
writeFileSync(join(dir, 'warn.json'), JSON.stringify({ Version: '2012-10-17', Statement: [
  { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' },
  { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
] }));

async function runWith(signal: AbortSignal, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: {}, cwd: dir, isTTY: false, signal };
  const code = await lintCommand.run(args, io);
  return { code, out, err };
}

function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runWith(new AbortController().signal, args);
}

test('json format: 1-based positions of the exact token, exit 1 on an error', async () => {
  const { code, out } = await run('--format', 'json', 'bad.json');
  assert.equal(code, 1);
  const records = JSON.parse(out) as LintRecord[];
  assert.deepEqual(records, [{ file: 'bad.json', line: 9, column: 9, endLine: 9, endColumn: 24, severity: 'error', code: 'unknown-action', message: records[0].message }]);
  assert.match(records[0].message, /kms:Decrypt/);
});

test('a clean file exits 0; text output ends with a summary', async () => {
  const { code, out } = await run('good.json');
  assert.equal(code, 0);
  assert.equal(out, '1 file: 0 errors, 0 warnings, 0 notes\n');
});

test('warnings alone exit 0', async () => {
  const { code, out } = await run('--format=text', 'warn.json');
  assert.equal(code, 0);
  assert.match(out, /^warn\.json:1:\d+: warning wildcard-principal: /);
});

test('CloudFormation YAML templates are linted in place', async () => {
  const { code, out } = await run('--format', 'json', 'template.yaml');
  assert.equal(code, 0);
  const records = JSON.parse(out) as LintRecord[];
  assert.deepEqual(records.map((r) => [r.code, r.line, r.column, r.endColumn]), [['wildcard-principal', 9, 24, 27]]);
});

test('sarif format', async () => {
  const { code, out } = await run('--format', 'sarif', 'bad.json', 'good.json');
  assert.equal(code, 1);
  const log = JSON.parse(out);
  assert.equal(log.version, '2.1.0');
  assert.deepEqual(log.runs[0].tool.driver.rules, [{ id: 'unknown-action' }]);
  assert.deepEqual(log.runs[0].results[0].locations[0].physicalLocation, { artifactLocation: { uri: 'bad.json' }, region: { startLine: 9, startColumn: 9, endLine: 9, endColumn: 24 } });
  assert.equal(log.runs[0].results[0].level, 'error');
});

test('an unreadable file exits 2 and says which', async () => {
  const { code, err } = await run('good.json', 'missing.json');
  assert.equal(code, 2);
  assert.match(err, /cannot read missing\.json: ENOENT/);
});

test('usage problems are UsageErrors (the CLI exits 2 with the help)', async () => {
  await assert.rejects(run(), UsageError);
  await assert.rejects(run('--format', 'xml', 'a.json'), /--format must be one of text, json, sarif/);
  await assert.rejects(run('--bogus', 'a.json'), /unknown option --bogus/);
  await assert.rejects(run('--account', '12', 'a.json'), /12-digit/);
  await assert.rejects(run('--disable', 'no-such-check', 'a.json'), /"no-such-check" is not a finding code/);
});

test('--account enables the cross-account checks', async () => {
  writeFileSync(join(dir, 'xacct.json'), JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' },
    { Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'], Resource: '*' },
  ] }));
  assert.deepEqual(JSON.parse((await run('--format', 'json', 'xacct.json')).out), []);
  const records = JSON.parse((await run('--format', 'json', '--account', '111122223333', 'xacct.json')).out) as LintRecord[];
  assert.deepEqual(records.map((r) => r.code), ['cross-account-action']);
});

test('a directory is searched for key policies and templates; other JSON and YAML is left alone', async () => {
  const tree = join(dir, 'infra');
  mkdirSync(join(tree, 'nested'), { recursive: true });
  mkdirSync(join(tree, 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(tree, 'package.json'), '{"name": "app", "version": "1.0.0"}');
  writeFileSync(join(tree, 'values.yaml'), 'image: app\nreplicas: {{ .Values.n }}\n');
  writeFileSync(join(tree, 'nested', 'key.kms-policy.json'), BAD);
  writeFileSync(join(tree, 'node_modules', 'x', 'policy.json'), BAD);
  writeFileSync(join(tree, 'nested', 'stack.template'), JSON.stringify({ Resources: { K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: JSON.parse(fixture('aws-clean/default-key-policy.json')) } } } }));
  const { code, out } = await run('--format', 'json', 'infra');
  assert.equal(code, 1);
  const records = JSON.parse(out) as LintRecord[];
  assert.deepEqual(records.map((r) => `${r.file}:${r.code}`), [`${join('infra', 'nested', 'key.kms-policy.json')}:unknown-action`]);
  const text = await run('infra');
  assert.match(text.out, /2 files: 1 error, 0 warnings, 0 notes\n$/);
});

test('--disable leaves codes out (and with them the exit status they caused)', async () => {
  const { code, out } = await run('--disable', 'unknown-action,lockout-risk', 'bad.json');
  assert.equal(code, 0);
  assert.equal(out, '1 file: 0 errors, 0 warnings, 0 notes\n');
});

test('--fail-on decides which severity fails the run', async () => {
  assert.equal((await run('warn.json')).code, 0);
  assert.equal((await run('--fail-on', 'warning', 'warn.json')).code, 1);
  assert.equal((await run('--fail-on=info', 'good.json')).code, 0);
  assert.equal((await run('--fail-on', 'none', 'bad.json')).code, 0);
  await assert.rejects(run('--fail-on', 'fatal', 'bad.json'), /--fail-on must be one of error, warning, info, none/);
});

test('SIGINT/SIGTERM stops the run before the next file, printing no partial report', async () => {
  const controller = new AbortController();
  controller.abort();
  const { code, out, err } = await runWith(controller.signal, ['bad.json', 'good.json']);
  assert.equal(code, 130);
  assert.equal(out, '');
  assert.match(err, /interrupted/);
});

test('a document nested thousands of levels deep is a finding, not a crash', async () => {
  writeFileSync(join(dir, 'deep.json'), `${'['.repeat(2500)}${']'.repeat(2500)}`);
  const { code, out, err } = await run('--format', 'json', 'deep.json');
  assert.equal(err, '');
  assert.equal(code, 1);
  assert.deepEqual((JSON.parse(out) as LintRecord[]).map((r) => [r.code, r.line, r.column]), [['json-syntax', 1, 129]]);
});

test('Terraform: .tf files in a folder are linted, findings at their HCL lines', async () => {
  const tree = join(dir, 'module');
  mkdirSync(join(tree, '.terraform'), { recursive: true });
  writeFileSync(join(tree, 'main.tf'), fixture('terraform/main.tf'));
  writeFileSync(join(tree, 'variables.tf'), 'variable "account_id" {\n  type = string\n}\n');
  writeFileSync(join(tree, '.terraform', 'cached.tf'), fixture('terraform/main.tf'));
  const { code, out } = await run('--format', 'json', 'module');
  assert.equal(code, 1);
  assert.deepEqual((JSON.parse(out) as LintRecord[]).map((r) => `${r.file}:${r.line}:${r.column}:${r.code}`), [
    `${join('module', 'main.tf')}:20:37:unknown-action`,
    `${join('module', 'main.tf')}:44:23:resource-not-star`,
    `${join('module', 'main.tf')}:67:22:wildcard-principal`,
    `${join('module', 'main.tf')}:70:18:unknown-condition-operator`,
  ]);
});

test('Terraform: a policy file named by templatefile() or file() is checked in its own file, once; a missing one at its name', async () => {
  const tree = join(dir, 'templated');
  mkdirSync(join(tree, 'policies'), { recursive: true });
  for (const name of ['main.tf', 'signing.json', 'policies/key.json.tpl']) writeFileSync(join(tree, name), fixture(`terraform/templated/${name}`));
  const { code, out } = await run('--format', 'json', 'templated');
  assert.equal(code, 1);
  assert.deepEqual((JSON.parse(out) as LintRecord[]).map((r) => `${r.file}:${r.line}:${r.column}:${r.code}`), [
    `${join('templated', 'main.tf')}:22:25:policy-file-missing`,
    `${join('templated', 'policies', 'key.json.tpl')}:27:33:unknown-action`,
    `${join('templated', 'policies', 'key.json.tpl')}:29:22:unknown-condition-operator`,
    `${join('templated', 'signing.json')}:15:30:unknown-action`,
  ]);
  const named = await run(join(tree, 'main.tf'));
  assert.match(named.out, new RegExp(`${join(tree, 'signing.json').replace(/[.\\/]/g, '\\$&')}:15:30: error unknown-action`));
  assert.match(named.out, /3 files: 4 errors/);
});
