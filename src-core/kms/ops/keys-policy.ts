/** GetKeyPolicy, PutKeyPolicy and ListKeyPolicies. A key has exactly one policy, named `default`. */
import { KmsError } from '../../kms-error';
import { assertKeyState } from '../key-state';
import { authorizeOnKey, resolveKey } from '../key-resolution';
import { defineOperation } from '../operation';
import { paginate } from '../paging';
import { assertKeyPolicy } from '../policy-document';

const POLICY_NAME = 'default';

function assertPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== POLICY_NAME) throw new KmsError('NotFoundException', `No such policy exists: ${name}. The only key policy name is ${POLICY_NAME}.`);
}

const getKeyPolicy = defineOperation('GetKeyPolicy', false, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:GetKeyPolicy', key, input.KeyId);
  assertPolicyName(input.PolicyName);
  assertKeyState(key, 'GetKeyPolicy');
  return { Policy: key.policy, PolicyName: POLICY_NAME };
});

const putKeyPolicy = defineOperation('PutKeyPolicy', true, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  const bypass = input.BypassPolicyLockoutSafetyCheck ?? false;
  authorizeOnKey(ctx, 'kms:PutKeyPolicy', key, input.KeyId, { 'kms:BypassPolicyLockoutSafetyCheck': bypass });
  assertPolicyName(input.PolicyName);
  assertKeyState(key, 'PutKeyPolicy');
  assertKeyPolicy(input.Policy, ctx.caller, key.arn, bypass);
  key.policy = input.Policy;
  return {};
});

const listKeyPolicies = defineOperation('ListKeyPolicies', false, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:ListKeyPolicies', key, input.KeyId);
  assertKeyState(key, 'ListKeyPolicies');
  const page = paginate([POLICY_NAME], input, 100);
  return { PolicyNames: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
});

export const policyOperations = {
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
};
