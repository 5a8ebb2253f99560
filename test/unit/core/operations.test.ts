import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATION_NAMES } from '../../../src-core/kms/model/shapes';
import { operations } from '../../../src-core/kms/ops';

test('the engine serves every operation of the KMS model, and nothing else', () => {
  assert.equal(OPERATION_NAMES.length, 54);
  assert.deepEqual(Object.keys(operations).sort(), [...OPERATION_NAMES]);
});
