/**
 * ReplicateKey and UpdatePrimaryRegion. Related multi-Region keys share key ID, material, spec,
 * usage, origin and rotation settings; description, policy, tags, aliases, grants and enabled
 * state are each key's own. A new replica is `Creating` and the two keys of a primary-Region
 * change are `Updating` for a moment (REPLICA_TRANSITION_MS on the keyring's clock).
 */
import { KmsError } from '../../kms-error';
import { keyArn, partitionOf } from '../../ids/identifiers';
import type { OperationContext } from '../operation-context';
import { defaultKeyPolicy } from '../default-policy';
import { keyMetadata } from '../key-metadata';
import { assertKeyState } from '../key-state';
import { authorizeOnKey, findKey, newKeyRecord, resolveKey } from '../key-resolution';
import { defineOperation } from '../operation';
import { assertKeyPolicy } from '../policy-document';
import { replicaMaterials, replicasOf } from '../rotation';
import { regionState, type KeyRecord, type KeyState } from '../state';
import { mergedTags, tagConditions } from '../tags';

/** How long a replica stays Creating, and related keys Updating, on the keyring's clock. */
export const REPLICA_TRANSITION_MS = 1000;

function assertPrimary(key: KeyRecord): void {
  if (!key.multiRegion) throw new KmsError('UnsupportedOperationException', `${key.arn} is not a multi-region key.`);
  if (key.multiRegion.role !== 'PRIMARY') throw new KmsError('UnsupportedOperationException', `${key.arn} is not a multi-region primary key.`);
}

function assertSamePartition(key: KeyRecord, region: string): void {
  if (partitionOf(region) !== partitionOf(key.region)) {
    throw new KmsError('ValidationException', `Region ${region} is not in the partition of ${key.arn}; multi-Region keys stay within one partition.`);
  }
}

function beginTransition(key: KeyRecord, state: KeyState, after: KeyState, ctx: OperationContext): void {
  key.stateAfterTransition = after;
  key.state = state;
  key.transitionAt = ctx.now + REPLICA_TRANSITION_MS;
}

const replicateKey = defineOperation('ReplicateKey', true, (input, ctx) => {
  const primary = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:ReplicateKey', primary, input.KeyId, { 'kms:ReplicaRegion': input.ReplicaRegion, ...tagConditions(input.Tags ?? []) });
  assertPrimary(primary);
  assertKeyState(primary, 'ReplicateKey');
  const region = input.ReplicaRegion;
  if (region === primary.region) throw new KmsError('ValidationException', `${primary.arn} is already in ${region}; choose another ReplicaRegion.`);
  assertSamePartition(primary, region);
  const arn = keyArn(region, primary.accountId, primary.keyId);
  if (findKey(ctx.state, primary.accountId, region, primary.keyId)) throw new KmsError('AlreadyExistsException', `Replica key ${arn} already exists.`);
  const tags = mergedTags([], input.Tags ?? []);
  const bypass = input.BypassPolicyLockoutSafetyCheck ?? false;
  if (input.Policy !== undefined) assertKeyPolicy(input.Policy, { ...ctx.caller, region }, arn, bypass);

  const replica = newKeyRecord({
    keyId: primary.keyId, accountId: primary.accountId, region, now: ctx.now, description: input.Description ?? '',
    spec: primary.spec, usage: primary.usage, origin: primary.origin, manager: primary.manager,
    policy: input.Policy ?? defaultKeyPolicy(primary.accountId, region),
  });
  replica.tags = tags;
  replica.rotation = structuredClone(primary.rotation);
  replica.multiRegion = { role: 'REPLICA', primaryRegion: primary.region, replicaRegions: [] };
  replica.materials = replicaMaterials(primary);
  beginTransition(replica, 'Creating', primary.origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled', ctx);
  regionState(ctx.state, primary.accountId, region).keys[primary.keyId] = replica;
  primary.multiRegion!.replicaRegions.push(region);
  return { ReplicaKeyMetadata: keyMetadata(ctx.state, replica), ReplicaPolicy: replica.policy, ReplicaTags: tags };
});

const updatePrimaryRegion = defineOperation('UpdatePrimaryRegion', true, (input, ctx) => {
  const primary = resolveKey(ctx, input.KeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:UpdatePrimaryRegion', primary, input.KeyId, { 'kms:PrimaryRegion': input.PrimaryRegion });
  assertPrimary(primary);
  assertKeyState(primary, 'UpdatePrimaryRegion');
  // Naming the current primary Region changes nothing.
  if (input.PrimaryRegion === primary.region) return {};
  assertSamePartition(primary, input.PrimaryRegion);
  const next = findKey(ctx.state, primary.accountId, input.PrimaryRegion, primary.keyId);
  if (!next) throw new KmsError('NotFoundException', `Key '${keyArn(input.PrimaryRegion, primary.accountId, primary.keyId)}' does not exist`);
  assertKeyState(next, 'UpdatePrimaryRegion');

  const replicas = replicasOf(ctx.state, primary);
  const regions = [...primary.multiRegion!.replicaRegions.filter((r) => r !== next.region), primary.region];
  next.multiRegion = { role: 'PRIMARY', primaryRegion: next.region, replicaRegions: regions };
  primary.multiRegion = { role: 'REPLICA', primaryRegion: next.region, replicaRegions: [] };
  for (const replica of replicas) if (replica !== next) replica.multiRegion = { role: 'REPLICA', primaryRegion: next.region, replicaRegions: [] };
  beginTransition(primary, 'Updating', primary.state, ctx);
  beginTransition(next, 'Updating', next.state, ctx);
  return {};
});

export const multiRegionOperations = {
  ReplicateKey: replicateKey,
  UpdatePrimaryRegion: updatePrimaryRegion,
};
