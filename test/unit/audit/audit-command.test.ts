import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKeyringStore } from '../../../src-core/kms/memory-store';
import { KmsService } from '../../../src-core/kms/service';
import { AUDIT_LOG_FILE, openFileAuditSink } from '../../../src-node/audit/file-audit-sink';
import type { CliIo } from '../../../src-node/cli/command';
import { auditCommand } from '../../../src-node/cli/commands/audit';
import { runCli } from '../../../src-node/cli/run';
import { allowAll, rootCaller } from '../kms/harness';

async function kmsw(args: string[], env: NodeJS.ProcessEnv = {}, cwd = tmpdir()) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd, isTTY: false, signal: new AbortController().signal };
  const code = await runCli(args, io, [auditCommand]);
  return { code, stdout, stderr };
}

/** A data folder whose audit log holds CreateKey (2026-01-01), DescribeKey (01-02) and a failed DescribeKey (01-03). */
async function folderWithCalls() {
  const dir = await mkdtemp(join(tmpdir(), 'kmsw-audit-cli-'));
  const audit = await openFileAuditSink({ dir });
  let now = Date.UTC(2026, 0, 1);
  const service = new KmsService({ store: new MemoryKeyringStore(), clock: { now: () => now }, random: { bytes: (n) => new Uint8Array(randomBytes(n)) }, authorizer: allowAll, audit });
  const { output } = await service.call('CreateKey', { Description: 'audited' }, rootCaller());
  const keyId = (output.KeyMetadata as { KeyId: string }).KeyId;
  now += 86_400_000;
  await service.call('DescribeKey', { KeyId: keyId }, rootCaller());
  now += 86_400_000;
  await assert.rejects(service.call('DescribeKey', { KeyId: 'alias/missing' }, rootCaller()));
  return { dir, keyId };
}

describe('kmsw audit', () => {
  it('lists the calls in order, with their key and result', async () => {
    const { dir, keyId } = await folderWithCalls();
    const { code, stdout } = await kmsw(['audit', 'list', '--data', dir]);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0], /^TIME\s+OPERATION\s+KEY\s+RESULT\s+PRINCIPAL$/);
    assert.match(lines[1], new RegExp(`^2026-01-01T00:00:00Z\\s+CreateKey\\s+${keyId}\\s+OK\\s+arn:aws:iam::123456789012:root$`));
    assert.match(lines[2], new RegExp(`^2026-01-02T00:00:00Z\\s+DescribeKey\\s+${keyId}\\s+OK`));
    assert.match(lines[3], /^2026-01-03T00:00:00Z\s+DescribeKey\s+alias\/missing\s+NotFoundException/);
    assert.equal(lines.length, 4);
  });

  it('filters by key, operation, time and errors, and prints JSON', async () => {
    const { dir, keyId } = await folderWithCalls();
    const env = { KMSW_DATA_DIR: dir };
    const names = async (...args: string[]) => {
      const { code, stdout } = await kmsw(['audit', 'list', '--json', ...args], env);
      assert.equal(code, 0);
      return (JSON.parse(stdout) as { eventName: string; eventTime: string }[]).map((e) => `${e.eventName}@${e.eventTime.slice(8, 10)}`);
    };
    assert.deepEqual(await names(), ['CreateKey@01', 'DescribeKey@02', 'DescribeKey@03']);
    assert.deepEqual(await names('--key', keyId), ['CreateKey@01', 'DescribeKey@02']);
    assert.deepEqual(await names('--operation', 'DescribeKey'), ['DescribeKey@02', 'DescribeKey@03']);
    assert.deepEqual(await names('--operation', 'DescribeKey', '--operation', 'CreateKey', '--since', '2026-01-02'), ['DescribeKey@02', 'DescribeKey@03']);
    assert.deepEqual(await names('--until', '2026-01-02T00:00:00Z'), ['CreateKey@01']);
    assert.deepEqual(await names('--errors'), ['DescribeKey@03']);
    assert.deepEqual(await names('--key', keyId, '--errors'), []);
  });

  it('says so when nothing matches', async () => {
    const { dir } = await folderWithCalls();
    const { code, stdout } = await kmsw(['audit', 'list', '--data', dir, '--operation', 'Encrypt']);
    assert.equal(code, 0);
    assert.match(stdout, /^No audit events match \(log: .*audit\.log\.jsonl\)\.\n$/);
  });

  it('verifies an intact log', async () => {
    const { dir } = await folderWithCalls();
    const { code, stdout } = await kmsw(['audit', 'verify', '--data', dir]);
    assert.equal(code, 0);
    assert.match(stdout, /^The audit log is intact: 3 entries/);
  });

  it('fails verification of an edited log and shows the first bad entry', async () => {
    const { dir } = await folderWithCalls();
    const path = join(dir, AUDIT_LOG_FILE);
    await writeFile(path, (await readFile(path, 'utf8')).replace('"eventName":"DescribeKey"', '"eventName":"ListKeys"'));
    const { code, stderr } = await kmsw(['audit', 'verify', '--data', dir]);
    assert.equal(code, 1);
    assert.match(stderr, /^The audit log is broken at entry 2: entry 2 was changed after it was written\.\nFirst bad entry:\n\{\n {2}"seq": 2,/);
    assert.match(stderr, /"eventName": "ListKeys"/);
  });

  it('exports CloudTrail JSON to stdout and CSV to a file', async () => {
    const { dir } = await folderWithCalls();
    const json = await kmsw(['audit', 'export', '--data', dir, '--errors']);
    assert.equal(json.code, 0);
    assert.deepEqual(
      (JSON.parse(json.stdout) as { Records: { errorCode?: string }[] }).Records.map((r) => r.errorCode),
      ['NotFoundException'],
    );
    const csv = await kmsw(['audit', 'export', '--data', dir, '--format', 'csv', '-o', 'calls.csv'], {}, dir);
    assert.equal(csv.code, 0);
    assert.equal(csv.stdout, `Wrote 3 events to ${join(dir, 'calls.csv')}.\n`);
    const rows = (await readFile(join(dir, 'calls.csv'), 'utf8')).trimEnd().split('\r\n');
    assert.equal(rows.length, 4);
    assert.match(rows[1], /^2026-01-01T00:00:00Z,CreateKey,/);
  });

  it('shows its help, and usage errors that say what to do', async () => {
    const help = await kmsw(['audit', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: kmsw audit list/);
    const cases: [string[], RegExp][] = [
      [['audit'], /name what to do: list, verify, export, segments or prune/],
      [['audit', 'show'], /unknown subcommand "show"; use list, verify, export, segments or prune/],
      [['audit', 'list', '--since', 'yesterday'], /--since takes an ISO 8601 time such as 2026-01-31/],
      [['audit', 'export', '--format', 'xml'], /--format must be json or csv, not "xml"/],
      [['audit', 'verify', '--json'], /unknown option --json/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await kmsw(args, { KMSW_DATA_DIR: tmpdir() });
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
      assert.match(stderr, /Run 'kmsw audit --help' for usage\./);
    }
  });
});
