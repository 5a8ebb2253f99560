/**
 * Finding the key a `KeyId` parameter names (key ID, multi-Region key ID, key ARN, alias name, alias
 * ARN), with AWS's NotFoundException texts, and creating keys: customer keys for CreateKey and
 * ReplicateKey, and the AWS managed key that KMS creates the first time `alias/aws/<service>` is used.
 */
import { KmsError } from '../kms-error';
import { aliasArn, keyArn, parseKeyIdentifier } from '../ids/identifiers';
import { KMS_ACTIONS } from '../policy/data';
import { uuid } from '../ids/random-ids';
import type { ConditionValues, OperationContext } from './operation-context';
import { awsManagedKeyPolicy } from './default-policy';
import { generateKeyMaterial } from './key-material';
import { peekRegionState, regionState, type KeyRecord, type KeyringState, type RegionState } from './state';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The services whose `alias/aws/<service>` AWS managed key KMS creates on first use, and lists in ListAliases before that. */
export const AWS_MANAGED_SERVICES = [
  'acm', 'backup', 'codecommit', 'dynamodb', 'ebs', 'elasticfilesystem', 'es', 'fsx', 'glue', 'kinesis', 'kinesisvideo',
  'lambda', 'rds', 'redshift', 's3', 'secretsmanager', 'sns', 'sqs', 'ssm', 'xray',
] as const;

const AWS_ALIAS_PREFIX = 'alias/aws/';

function managedService(aliasName: string): string | undefined {
  if (!aliasName.startsWith(AWS_ALIAS_PREFIX)) return undefined;
  const service = aliasName.slice(AWS_ALIAS_PREFIX.length);
  return (AWS_MANAGED_SERVICES as readonly string[]).includes(service) ? service : undefined;
}

/** Whether a KeyId parameter names an AWS managed alias (so the call may create the managed key and must run as a write). */
export function isAwsManagedAliasReference(keyIdText: string): boolean {
  const id = parseKeyIdentifier(keyIdText);
  return (id?.kind === 'aliasName' || id?.kind === 'aliasArn') && managedService(id.aliasName) !== undefined;
}

export interface ResolveOptions {
  /** Whether alias names and alias ARNs are accepted (default true; false for the "key ID or key ARN" operations). */
  allowAlias?: boolean;
  /** Create the AWS managed key of `alias/aws/<service>` when it does not exist yet (the caller must run as a write). */
  createManaged?: boolean;
}

function invalidKeyId(text: string): KmsError {
  return new KmsError('NotFoundException', `Invalid keyId '${text}'`);
}

/** The key named by a KeyId parameter, in the caller's account and Region or the account of a cross-account ARN. */
export function resolveKey(ctx: OperationContext, keyIdText: string, options: ResolveOptions = {}): KeyRecord {
  const allowAlias = options.allowAlias ?? true;
  const id = parseKeyIdentifier(keyIdText);
  if (!id) {
    if (keyIdText.startsWith('arn:') && !/^arn:[^:]*:kms:/.test(keyIdText)) {
      throw new KmsError('InvalidArnException', `${keyIdText} is not a valid KMS key ARN.`);
    }
    throw invalidKeyId(keyIdText);
  }
  const { accountId, region } = ctx.caller;
  if (id.kind === 'keyArn' || id.kind === 'aliasArn') {
    // A KMS endpoint serves one Region: an ARN of another Region names nothing here.
    if (id.region !== region) throw new KmsError('NotFoundException', `Invalid arn ${id.region}`);
  }
  const owner = id.kind === 'keyArn' || id.kind === 'aliasArn' ? id.accountId : accountId;
  const found = peekRegionState(ctx.state, owner, region);
  if (id.kind === 'keyId' || id.kind === 'keyArn') {
    const key = found?.keys[id.keyId];
    if (!key) throw new KmsError('NotFoundException', `Key '${keyArn(region, owner, id.keyId)}' does not exist`);
    return key;
  }
  if (!allowAlias) throw invalidKeyId(keyIdText);
  const alias = found?.aliases[id.aliasName];
  const target = alias && found?.keys[alias.targetKeyId];
  if (target) return target;
  const service = managedService(id.aliasName);
  if (options.createManaged && service && owner === accountId && !alias) return createAwsManagedKey(ctx, service);
  throw new KmsError('NotFoundException', `Alias ${aliasArn(region, owner, id.aliasName)} is not found.`);
}

/** The key with this ID in an account and Region, if it exists (no state is created). */
export function findKey(state: KeyringState, accountId: string, region: string, keyId: string): KeyRecord | undefined {
  return peekRegionState(state, accountId, region)?.keys[keyId];
}

export interface NewKeyFields {
  keyId: string;
  accountId: string;
  region: string;
  now: number;
  description: string;
  spec: KeyRecord['spec'];
  usage: KeyRecord['usage'];
  origin: KeyRecord['origin'];
  manager: KeyRecord['manager'];
  policy: string;
}

/** A key record with no material, no tags and rotation off; callers fill in what their operation sets. */
export function newKeyRecord(f: NewKeyFields): KeyRecord {
  return {
    keyId: f.keyId,
    arn: keyArn(f.region, f.accountId, f.keyId),
    accountId: f.accountId,
    region: f.region,
    createdAt: f.now,
    description: f.description,
    spec: f.spec,
    usage: f.usage,
    origin: f.origin,
    manager: f.manager,
    state: 'Enabled',
    policy: f.policy,
    tags: [],
    materials: [],
    rotation: { enabled: false, periodDays: 365, onDemandCount: 0 },
    grants: [],
  };
}

/** AWS managed keys rotate every year and cannot be changed, deleted or given another policy by the account. */
function createAwsManagedKey(ctx: OperationContext, service: string): KeyRecord {
  const { accountId, region } = ctx.caller;
  const rs: RegionState = regionState(ctx.state, accountId, region);
  const key = newKeyRecord({
    keyId: uuid(ctx.random),
    accountId,
    region,
    now: ctx.now,
    description: `Default key that protects my ${service} resources when no other key is defined`,
    spec: 'SYMMETRIC_DEFAULT',
    usage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    manager: 'AWS',
    policy: awsManagedKeyPolicy(service, accountId, region),
  });
  key.materials.push(generateKeyMaterial('SYMMETRIC_DEFAULT', ctx.random, ctx.now));
  key.rotation = { enabled: true, periodDays: 365, nextRotationAt: ctx.now + 365 * DAY_MS, onDemandCount: 0 };
  rs.keys[key.keyId] = key;
  rs.aliases[`${AWS_ALIAS_PREFIX}${service}`] = { aliasName: `${AWS_ALIAS_PREFIX}${service}`, targetKeyId: key.keyId, createdAt: ctx.now, updatedAt: ctx.now };
  return key;
}

/**
 * The condition keys a request on a key carries about the key itself (kms:KeySpec, kms:KeyUsage,
 * kms:KeyOrigin, kms:MultiRegion…, kms:ResourceAliases) and, when the request named it by an alias,
 * kms:RequestAlias: key-policy conditions on them then match as in AWS.
 */
export function keyConditionValues(ctx: OperationContext, key: KeyRecord, keyIdText?: string): ConditionValues {
  const requested = keyIdText === undefined ? undefined : parseKeyIdentifier(keyIdText);
  return {
    'kms:KeySpec': key.spec,
    'kms:CustomerMasterKeySpec': key.spec,
    'kms:KeyUsage': key.usage,
    'kms:CustomerMasterKeyUsage': key.usage,
    'kms:KeyOrigin': key.origin,
    'kms:MultiRegion': key.multiRegion !== undefined,
    'kms:MultiRegionKeyType': key.multiRegion?.role,
    'kms:ResourceAliases': ctx.index.aliasNames(key),
    'kms:RequestAlias': requested?.kind === 'aliasName' || requested?.kind === 'aliasArn' ? requested.aliasName : undefined,
  };
}

/**
 * ctx.authorize for a request on `key`, with the key's own condition values added to the request's.
 * Operations KMS does not offer across accounts (key management: tags, policy, state, aliases…) are
 * refused for another account's key whatever its policy says.
 */
export function authorizeOnKey(ctx: OperationContext, action: string, key: KeyRecord, keyIdText?: string, conditions: ConditionValues = {}, grantTokens?: string[]): void {
  const { principal, accountId } = ctx.caller;
  if (key.accountId !== accountId && KMS_ACTIONS[action.replace(/^kms:/, '')]?.crossAccount === false) {
    throw new KmsError('AccessDeniedException', `User: ${principal} is not authorized to perform: ${action} on resource: ${key.arn} because ${action} cannot be used on a KMS key in another AWS account`);
  }
  ctx.authorize(action, key, { ...keyConditionValues(ctx, key, keyIdText), ...conditions }, grantTokens);
}
