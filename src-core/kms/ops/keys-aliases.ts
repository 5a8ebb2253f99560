/**
 * CreateAlias, DeleteAlias, UpdateAlias and ListAliases. Aliases live per account and Region;
 * `alias/aws/` is reserved for AWS managed keys, which ListAliases shows even before they exist.
 */
import { KmsError } from '../../kms-error';
import { ALIAS_NAME_PATTERN, aliasArn } from '../../ids/identifiers';
import type { OperationContext } from '../operation-context';
import { assertKeyState } from '../key-state';
import { AWS_MANAGED_SERVICES, authorizeOnKey, resolveKey } from '../key-resolution';
import { defineOperation } from '../operation';
import { paginate } from '../paging';
import { peekRegionState, regionState, type AliasRecord, type KeyRecord } from '../state';
import { assertListLimit } from './list-limits';

/** Aliases per key (AWS quota). */
const ALIASES_PER_KEY = 50;

function assertAliasName(name: string): void {
  if (!name.startsWith('alias/')) {
    throw new KmsError('ValidationException', 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (!ALIAS_NAME_PATTERN.test(name)) throw new KmsError('ValidationException', `${name} contains invalid characters for an alias`);
}

/**
 * `alias/aws/` names belong to AWS managed keys: AWS refuses to create, change or delete them with a
 * bare NotAuthorizedException (no message), before looking at the key; moto and local-kms copied that reply.
 */
function refuseReservedAlias(name: string): void {
  if (name.startsWith('alias/aws/')) throw new KmsError('NotAuthorizedException', '');
}

/** The alias target must be a customer managed key of the caller's own account. */
function targetKey(ctx: OperationContext, targetKeyId: string): KeyRecord {
  const key = resolveKey(ctx, targetKeyId, { allowAlias: false });
  if (key.accountId !== ctx.caller.accountId) {
    throw new KmsError('NotFoundException', `Key '${key.arn}' does not exist`);
  }
  if (key.manager === 'AWS') throw new KmsError('UnsupportedOperationException', `An alias cannot point to the AWS managed key ${key.arn}.`);
  return key;
}

function findAlias(ctx: OperationContext, name: string): AliasRecord {
  const alias = peekRegionState(ctx.state, ctx.caller.accountId, ctx.caller.region)?.aliases[name];
  if (!alias) throw new KmsError('NotFoundException', `Alias ${aliasArn(ctx.caller.region, ctx.caller.accountId, name)} is not found.`);
  return alias;
}

function aliasesOf(ctx: OperationContext, key: KeyRecord): AliasRecord[] {
  const aliases = peekRegionState(ctx.state, key.accountId, key.region)?.aliases;
  return ctx.index.aliasNames(key).flatMap((name) => aliases?.[name] ?? []);
}

const createAlias = defineOperation('CreateAlias', true, (input, ctx) => {
  refuseReservedAlias(input.AliasName);
  const key = targetKey(ctx, input.TargetKeyId);
  authorizeOnKey(ctx, 'kms:CreateAlias', key);
  assertAliasName(input.AliasName);
  assertKeyState(key, 'CreateAlias');
  const region = regionState(ctx.state, ctx.caller.accountId, ctx.caller.region);
  if (region.aliases[input.AliasName]) {
    throw new KmsError('AlreadyExistsException', `An alias with the name ${aliasArn(ctx.caller.region, ctx.caller.accountId, input.AliasName)} already exists`);
  }
  if (aliasesOf(ctx, key).length >= ALIASES_PER_KEY) {
    throw new KmsError('LimitExceededException', `Key ${key.arn} already has the maximum of ${ALIASES_PER_KEY} aliases.`);
  }
  region.aliases[input.AliasName] = { aliasName: input.AliasName, targetKeyId: key.keyId, createdAt: ctx.now, updatedAt: ctx.now };
  return {};
});

const deleteAlias = defineOperation('DeleteAlias', true, (input, ctx) => {
  refuseReservedAlias(input.AliasName);
  if (!input.AliasName.startsWith('alias/')) assertAliasName(input.AliasName);
  const alias = findAlias(ctx, input.AliasName);
  const key = resolveKey(ctx, alias.targetKeyId, { allowAlias: false });
  authorizeOnKey(ctx, 'kms:DeleteAlias', key);
  assertAliasName(input.AliasName);
  assertKeyState(key, 'DeleteAlias');
  delete regionState(ctx.state, ctx.caller.accountId, ctx.caller.region).aliases[input.AliasName];
  return {};
});

const updateAlias = defineOperation('UpdateAlias', true, (input, ctx) => {
  refuseReservedAlias(input.AliasName);
  if (!input.AliasName.startsWith('alias/')) assertAliasName(input.AliasName);
  const alias = findAlias(ctx, input.AliasName);
  const current = resolveKey(ctx, alias.targetKeyId, { allowAlias: false });
  const next = targetKey(ctx, input.TargetKeyId);
  authorizeOnKey(ctx, 'kms:UpdateAlias', current);
  authorizeOnKey(ctx, 'kms:UpdateAlias', next);
  assertAliasName(input.AliasName);
  assertKeyState(next, 'UpdateAlias');
  // An alias may move only between keys of the same type and usage, so code using it keeps working.
  if (current.spec !== next.spec || current.usage !== next.usage) {
    throw new KmsError('ValidationException', `The new target key ${next.arn} (${next.spec}, ${next.usage}) is not the same type of key as the current target key ${current.arn} (${current.spec}, ${current.usage}).`);
  }
  alias.targetKeyId = next.keyId;
  alias.updatedAt = ctx.now;
  return {};
});

function listEntry(region: string, accountId: string, alias: AliasRecord) {
  return {
    AliasName: alias.aliasName,
    AliasArn: aliasArn(region, accountId, alias.aliasName),
    TargetKeyId: alias.targetKeyId,
    CreationDate: new Date(alias.createdAt),
    LastUpdatedDate: new Date(alias.updatedAt),
  };
}

const listAliases = defineOperation('ListAliases', false, (input, ctx) => {
  assertListLimit(input.Limit, 100);
  const { accountId, region } = ctx.caller;
  let entries;
  if (input.KeyId !== undefined) {
    const key = resolveKey(ctx, input.KeyId, { allowAlias: false });
    authorizeOnKey(ctx, 'kms:ListAliases', key);
    entries = aliasesOf(ctx, key).map((a) => listEntry(key.region, key.accountId, a));
  } else {
    ctx.authorize('kms:ListAliases');
    const aliases = peekRegionState(ctx.state, accountId, region)?.aliases ?? {};
    // AWS lists the predefined AWS managed aliases even before their key exists, without a TargetKeyId.
    const predefined = AWS_MANAGED_SERVICES.map((s) => `alias/aws/${s}`).filter((name) => !aliases[name]).map((name) => ({ AliasName: name, AliasArn: aliasArn(region, accountId, name) }));
    entries = [...Object.values(aliases).map((a) => listEntry(region, accountId, a)), ...predefined];
  }
  entries.sort((a, b) => (a.AliasName < b.AliasName ? -1 : a.AliasName > b.AliasName ? 1 : 0));
  const page = paginate(entries, input, 50);
  return { Aliases: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
});

export const aliasOperations = {
  CreateAlias: createAlias,
  DeleteAlias: deleteAlias,
  UpdateAlias: updateAlias,
  ListAliases: listAliases,
};
