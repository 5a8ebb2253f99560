import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { OPERATION_NAMES } from '../../../src-core/kms/model/shapes';

test('the KMS model has the 54 operations of the current API', () => {
  assert.equal(OPERATION_NAMES.length, 54);
  for (const op of ['GetKeyLastUsage', 'DeriveSharedSecret', 'RotateKeyOnDemand', 'ListKeyRotations']) assert.ok(OPERATION_NAMES.includes(op), op);
});

test('the committed model matches the botocore model on this machine (drift guard)', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-kms-model.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
