/**
 * Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant. A grant lets its
 * grantee perform some operations on one key; the authorizer (src-core/policy) honours it. The
 * rules here are AWS's: operations must suit the key, encryption-context constraints only for
 * operations that take a context, idempotency by Name per key, and who may retire a grant.
 */
import { KmsError } from '../../kms-error';
import { accountRootArn, partitionOf } from '../../ids/identifiers';
import { hex } from '../../ids/random-ids';
import { isGranteePrincipal } from '../../policy/principals';
import type { OperationContext } from '../operation-context';
import { assertKeyState } from '../key-state';
import { authorizeOnKey, resolveKey } from '../key-resolution';
import { defineOperation, type OperationInput } from '../operation';
import type { GrantListEntry, GrantOperation } from '../model/operations';
import { paginate } from '../paging';
import type { GrantRecord, KeyRecord } from '../state';

/** Grants per key (AWS quota). */
const GRANTS_PER_KEY = 50_000;

type Context = Record<string, string>;

/** Grant operations that act on every kind of key. */
const COMMON_OPERATIONS = ['CreateGrant', 'RetireGrant', 'DescribeKey'];

/** The grant operations that make sense for a key's usage and spec (others are a ValidationError). */
function operationsFor(key: KeyRecord): string[] {
  switch (key.usage) {
    case 'ENCRYPT_DECRYPT':
      return key.spec === 'SYMMETRIC_DEFAULT'
        ? ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', ...COMMON_OPERATIONS]
        : ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey', ...COMMON_OPERATIONS];
    case 'SIGN_VERIFY':
      return ['Sign', 'Verify', 'GetPublicKey', ...COMMON_OPERATIONS];
    case 'GENERATE_VERIFY_MAC':
      return ['GenerateMac', 'VerifyMac', ...COMMON_OPERATIONS];
    case 'KEY_AGREEMENT':
      return ['DeriveSharedSecret', 'GetPublicKey', ...COMMON_OPERATIONS];
  }
}

/** Operations that take an encryption context, so that context constraints can apply to them. */
const CONTEXT_OPERATIONS = new Set([
  'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'CreateGrant', 'RetireGrant', 'DescribeKey',
]);

function assertPrincipal(value: string, member: string): void {
  if (!isGranteePrincipal(value)) {
    throw new KmsError('ValidationException', `${member} ${value} is not a valid principal: use an account ID, an IAM user or role ARN, an assumed-role ARN or a service principal.`);
  }
}

/**
 * A grant token names its key and grant so RetireGrant can find it from the token alone, and carries
 * fresh randomness so each CreateGrant call issues a distinct token.
 */
function issueToken(key: KeyRecord, grantId: string, ctx: OperationContext): string {
  return Buffer.from(JSON.stringify({ v: 1, k: key.arn, g: grantId, n: hex(ctx.random, 16) })).toString('base64url');
}

function parseToken(token: string): { keyArn: string; grantId: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; k?: unknown; g?: unknown };
    if (parsed.v === 1 && typeof parsed.k === 'string' && typeof parsed.g === 'string') return { keyArn: parsed.k, grantId: parsed.g };
  } catch {
    // fall through: any unparseable token is the same client error
  }
  throw new KmsError('InvalidGrantTokenException', 'The grant token is invalid.');
}

function findGrant(key: KeyRecord, grantId: string): GrantRecord {
  if (!/^[0-9a-f]{64}$/.test(grantId)) throw new KmsError('InvalidGrantIdException', `Invalid grant ID ${grantId}.`);
  const grant = key.grants.find((g) => g.grantId === grantId);
  if (!grant) throw new KmsError('NotFoundException', `Grant ID ${grantId} not found for key ${key.arn}.`);
  return grant;
}

function listEntry(key: KeyRecord, grant: GrantRecord): GrantListEntry {
  return {
    KeyId: key.arn,
    GrantId: grant.grantId,
    Name: grant.name,
    CreationDate: new Date(grant.createdAt),
    GranteePrincipal: grant.granteePrincipal,
    RetiringPrincipal: grant.retiringPrincipal,
    IssuingAccount: accountRootArn(partitionOf(key.region), grant.issuingAccount),
    // Checked against the model's GrantOperation values when the grant was made.
    Operations: grant.operations as GrantOperation[],
    Constraints: grant.constraints,
  };
}

function sameContext(a: Context | undefined, b: Context | undefined): boolean {
  const ak = Object.keys(a ?? {}).sort();
  const bk = Object.keys(b ?? {}).sort();
  return ak.length === bk.length && ak.every((k, i) => k === bk[i] && a![k] === b![k]);
}

function sameGrant(grant: GrantRecord, input: CreateGrantInput): boolean {
  return (
    grant.granteePrincipal === input.GranteePrincipal &&
    grant.retiringPrincipal === input.RetiringPrincipal &&
    [...grant.operations].sort().join() === [...input.Operations].sort().join() &&
    sameContext(grant.constraints?.EncryptionContextSubset, input.Constraints?.EncryptionContextSubset) &&
    sameContext(grant.constraints?.EncryptionContextEquals, input.Constraints?.EncryptionContextEquals)
  );
}

function dryRun(flag: boolean | undefined): void {
  if (flag) throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
}

type CreateGrantInput = OperationInput<'CreateGrant'>;

const createGrant = defineOperation('CreateGrant', (input) => !input.DryRun, (input, ctx) => {
  // Grants are made on a key ID or key ARN; an alias is not accepted here.
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  const constraintTypes = Object.keys(input.Constraints ?? {}).filter((k) => (input.Constraints as Record<string, unknown>)[k] !== undefined);
  authorizeOnKey(
    ctx,
    'kms:CreateGrant',
    key,
    input.KeyId,
    {
      'kms:GrantOperations': input.Operations,
      'kms:GranteePrincipal': input.GranteePrincipal,
      'kms:RetiringPrincipal': input.RetiringPrincipal,
      'kms:GrantConstraintType': constraintTypes,
      'kms:GrantIsForAWSResource': ctx.caller.viaService !== undefined,
    },
    input.GrantTokens,
  );
  assertKeyState(key, 'CreateGrant');
  assertPrincipal(input.GranteePrincipal, 'GranteePrincipal');
  if (input.RetiringPrincipal !== undefined) assertPrincipal(input.RetiringPrincipal, 'RetiringPrincipal');
  if (input.Operations.length === 0) throw new KmsError('ValidationException', 'Operations must list at least one grant operation.');
  const allowed = operationsFor(key);
  const unsuitable = input.Operations.filter((op) => !allowed.includes(op));
  if (unsuitable.length > 0) {
    throw new KmsError('ValidationError', `Grant operations ${unsuitable.join(', ')} are not valid for a ${key.spec} key with key usage ${key.usage}.`);
  }
  if (constraintTypes.length > 0) {
    const noContext = input.Operations.filter((op) => !CONTEXT_OPERATIONS.has(op));
    if (noContext.length > 0) {
      throw new KmsError('ValidationException', `Encryption context grant constraints are not valid for operations that take no encryption context: ${noContext.join(', ')}.`);
    }
    for (const [type, context] of Object.entries(input.Constraints ?? {})) {
      if (context && Object.keys(context).length > 8) throw new KmsError('ValidationException', `${type} can have at most 8 encryption context pairs.`);
    }
  }
  dryRun(input.DryRun);

  // A retry with the same Name and the same parameters gets the same grant back, with a fresh token.
  const existing = input.Name === undefined ? undefined : key.grants.find((g) => g.name === input.Name && sameGrant(g, input));
  if (existing) {
    const token = issueToken(key, existing.grantId, ctx);
    existing.tokens.push(token);
    return { GrantId: existing.grantId, GrantToken: token };
  }
  if (key.grants.length >= GRANTS_PER_KEY) {
    throw new KmsError('LimitExceededException', `Key ${key.arn} already has the maximum of ${GRANTS_PER_KEY} grants.`);
  }
  const grantId = hex(ctx.random, 32);
  const token = issueToken(key, grantId, ctx);
  key.grants.push({
    grantId,
    name: input.Name,
    createdAt: ctx.now,
    granteePrincipal: input.GranteePrincipal,
    retiringPrincipal: input.RetiringPrincipal,
    issuingAccount: ctx.caller.accountId,
    operations: [...input.Operations],
    constraints: constraintTypes.length > 0 ? structuredClone(input.Constraints) : undefined,
    tokens: [token],
  });
  return { GrantId: grantId, GrantToken: token };
});

const listGrants = defineOperation('ListGrants', false, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:ListGrants', key, input.KeyId);
  let grants = key.grants;
  if (input.GrantId !== undefined) grants = grants.filter((g) => g.grantId === input.GrantId);
  if (input.GranteePrincipal !== undefined) grants = grants.filter((g) => g.granteePrincipal === input.GranteePrincipal);
  const page = paginate(grants, input, 50);
  return { Grants: page.items.map((g) => listEntry(key, g)), NextMarker: page.NextMarker, Truncated: page.Truncated };
});

const listRetirableGrants = defineOperation('ListRetirableGrants', false, (input, ctx) => {
  ctx.authorize('kms:ListRetirableGrants');
  assertPrincipal(input.RetiringPrincipal, 'RetiringPrincipal');
  // A retiring principal can be named in grants of any account, so every Region's keys are searched.
  const found = Object.values(ctx.state.regions).flatMap((region) =>
    Object.values(region.keys).flatMap((key) => key.grants.filter((g) => g.retiringPrincipal === input.RetiringPrincipal).map((g) => listEntry(key, g))),
  );
  const page = paginate(found, input, 50);
  return { Grants: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
});

/** Who may retire a grant without a key-policy permission: its retiring principal, its grantee when it includes RetireGrant, or the issuing account. */
function mayRetire(grant: GrantRecord, key: KeyRecord, ctx: OperationContext): boolean {
  const principal = ctx.caller.principal;
  if (grant.retiringPrincipal === principal || grant.retiringPrincipal === ctx.caller.accountId) return true;
  if (grant.granteePrincipal === principal && grant.operations.includes('RetireGrant')) return true;
  return principal === accountRootArn(partitionOf(key.region), grant.issuingAccount);
}

function removeGrant(key: KeyRecord, grant: GrantRecord): void {
  key.grants = key.grants.filter((g) => g !== grant);
}

const retireGrant = defineOperation('RetireGrant', (input) => !input.DryRun, (input, ctx) => {
  let key: KeyRecord;
  let grant: GrantRecord;
  if (input.GrantToken !== undefined) {
    const { keyArn, grantId } = parseToken(input.GrantToken);
    key = resolveKey(ctx, keyArn, { allowAlias: false });
    grant = findGrant(key, grantId);
    if (!grant.tokens.includes(input.GrantToken)) throw new KmsError('InvalidGrantTokenException', 'The grant token is invalid.');
  } else if (input.KeyId !== undefined && input.GrantId !== undefined) {
    key = resolveKey(ctx, input.KeyId, { allowAlias: false });
    grant = findGrant(key, input.GrantId);
  } else {
    throw new KmsError('ValidationException', 'Specify either GrantToken, or both KeyId and GrantId.');
  }
  if (!mayRetire(grant, key, ctx)) authorizeOnKey(ctx, 'kms:RetireGrant', key);
  dryRun(input.DryRun);
  removeGrant(key, grant);
  return {};
});

const revokeGrant = defineOperation('RevokeGrant', (input) => !input.DryRun, (input, ctx) => {
  const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:RevokeGrant', key, input.KeyId);
  const grant = findGrant(key, input.GrantId);
  dryRun(input.DryRun);
  removeGrant(key, grant);
  return {};
});

export const grantOperations = {
  CreateGrant: createGrant,
  ListGrants: listGrants,
  ListRetirableGrants: listRetirableGrants,
  RetireGrant: retireGrant,
  RevokeGrant: revokeGrant,
};
