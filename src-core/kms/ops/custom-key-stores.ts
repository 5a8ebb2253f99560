/**
 * Custom key stores (CloudHSM and external) as modeled state. There is no cluster or proxy to reach
 * locally, so connecting succeeds at once; what users test here is the lifecycle and its rules: a
 * store must be disconnected to be deleted or reconfigured, must be empty to be deleted, and the keys
 * in it are usable only while it is connected.
 */
import { KmsError } from '../../kms-error';
import { hex } from '../../ids/random-ids';
import type { OperationContext } from '../operation-context';
import { defineOperation } from '../operation';
import type { CustomKeyStoresListEntry, XksProxyConfigurationType } from '../model/operations';
import { paginate } from '../paging';
import { peekRegionState, regionState, type CustomKeyStoreRecord, type RegionState } from '../state';

/** Custom key stores per account and Region (AWS quota). */
const STORE_QUOTA = 10;

type StoreType = CustomKeyStoreRecord['type'];

interface StoreSettingsInput {
  CloudHsmClusterId?: string;
  TrustAnchorCertificate?: string;
  KeyStorePassword?: string;
  XksProxyUriEndpoint?: string;
  XksProxyUriPath?: string;
  XksProxyVpcEndpointServiceName?: string;
  XksProxyVpcEndpointServiceOwner?: string;
  XksProxyAuthenticationCredential?: { AccessKeyId: string; RawSecretAccessKey: string };
  XksProxyConnectivity?: 'PUBLIC_ENDPOINT' | 'VPC_ENDPOINT_SERVICE';
}

function storesOf(ctx: OperationContext): RegionState {
  return regionState(ctx.state, ctx.caller.accountId, ctx.caller.region);
}

/** Reads must not create a Region's state, so lookups peek. */
function findStore(ctx: OperationContext, id: string): CustomKeyStoreRecord {
  const store = peekRegionState(ctx.state, ctx.caller.accountId, ctx.caller.region)?.customKeyStores[id];
  if (!store) throw new KmsError('CustomKeyStoreNotFoundException', `Custom key store ID ${id} does not exist.`);
  return store;
}

function requireMembers(input: object, type: StoreType, names: string[]): void {
  const missing = names.filter((n) => (input as Record<string, unknown>)[n] === undefined);
  if (missing.length > 0) {
    throw new KmsError('ValidationException', `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required for a custom key store of type ${type}.`);
  }
}

function assertNameFree(region: RegionState, name: string, except?: string): void {
  if (Object.values(region.customKeyStores).some((s) => s.name === name && s.id !== except)) {
    throw new KmsError('CustomKeyStoreNameInUseException', `Custom key store name ${name} is already in use in this account and Region.`);
  }
}

/** The settings kept for a store: everything it was given except the secrets (password, proxy secret). */
function settingsOf(type: StoreType, input: StoreSettingsInput, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const next: Record<string, unknown> = { ...previous };
  if (type === 'AWS_CLOUDHSM') {
    if (input.CloudHsmClusterId !== undefined) next.CloudHsmClusterId = input.CloudHsmClusterId;
    if (input.TrustAnchorCertificate !== undefined) next.TrustAnchorCertificate = input.TrustAnchorCertificate;
    return next;
  }
  if (input.XksProxyUriEndpoint !== undefined) next.UriEndpoint = input.XksProxyUriEndpoint;
  if (input.XksProxyUriPath !== undefined) next.UriPath = input.XksProxyUriPath;
  if (input.XksProxyConnectivity !== undefined) next.Connectivity = input.XksProxyConnectivity;
  if (input.XksProxyVpcEndpointServiceName !== undefined) next.VpcEndpointServiceName = input.XksProxyVpcEndpointServiceName;
  if (input.XksProxyVpcEndpointServiceOwner !== undefined) next.VpcEndpointServiceOwner = input.XksProxyVpcEndpointServiceOwner;
  if (input.XksProxyAuthenticationCredential !== undefined) next.AccessKeyId = input.XksProxyAuthenticationCredential.AccessKeyId;
  return next;
}

/** Another store already using the same cluster, proxy URI or VPC endpoint service is an error AWS names precisely. */
function assertBackingFree(region: RegionState, type: StoreType, settings: Record<string, unknown>, except?: string): void {
  for (const other of Object.values(region.customKeyStores)) {
    if (other.id === except || other.type !== type) continue;
    const o = other.settings;
    if (type === 'AWS_CLOUDHSM' && o.CloudHsmClusterId === settings.CloudHsmClusterId) {
      throw new KmsError('CloudHsmClusterInUseException', `CloudHSM cluster ${String(settings.CloudHsmClusterId)} is already associated with custom key store ${other.id}.`);
    }
    if (type === 'EXTERNAL_KEY_STORE') {
      if (settings.Connectivity === 'VPC_ENDPOINT_SERVICE' && o.VpcEndpointServiceName === settings.VpcEndpointServiceName) {
        throw new KmsError('XksProxyVpcEndpointServiceInUseException', `VPC endpoint service ${String(settings.VpcEndpointServiceName)} is already associated with custom key store ${other.id}.`);
      }
      if (o.UriEndpoint === settings.UriEndpoint && o.UriPath === settings.UriPath) {
        throw new KmsError('XksProxyUriInUseException', `The proxy URI ${String(settings.UriEndpoint)}${String(settings.UriPath)} is already associated with custom key store ${other.id}.`);
      }
      if (settings.Connectivity === 'PUBLIC_ENDPOINT' && o.UriEndpoint === settings.UriEndpoint) {
        throw new KmsError('XksProxyUriEndpointInUseException', `The proxy URI endpoint ${String(settings.UriEndpoint)} is already associated with custom key store ${other.id}.`);
      }
    }
  }
}

function validateXksSettings(settings: Record<string, unknown>): void {
  if (settings.Connectivity === 'VPC_ENDPOINT_SERVICE' && settings.VpcEndpointServiceName === undefined) {
    throw new KmsError('XksProxyInvalidConfigurationException', 'XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.');
  }
  if (settings.Connectivity === 'PUBLIC_ENDPOINT' && settings.VpcEndpointServiceName !== undefined) {
    throw new KmsError('XksProxyInvalidConfigurationException', 'XksProxyVpcEndpointServiceName is valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.');
  }
}

function keysInStore(ctx: OperationContext, storeId: string) {
  return Object.values(storesOf(ctx).keys).filter((k) => k.customKeyStoreId === storeId);
}

const createCustomKeyStore = defineOperation('CreateCustomKeyStore', true, (input, ctx) => {
  ctx.authorize('kms:CreateCustomKeyStore');
  const type = input.CustomKeyStoreType ?? 'AWS_CLOUDHSM';
  const region = storesOf(ctx);
  if (type === 'AWS_CLOUDHSM') {
    requireMembers(input, type, ['CloudHsmClusterId', 'TrustAnchorCertificate', 'KeyStorePassword']);
  } else {
    requireMembers(input, type, ['XksProxyUriEndpoint', 'XksProxyUriPath', 'XksProxyAuthenticationCredential', 'XksProxyConnectivity']);
  }
  const settings = settingsOf(type, input);
  if (type === 'EXTERNAL_KEY_STORE') validateXksSettings(settings);
  assertNameFree(region, input.CustomKeyStoreName);
  assertBackingFree(region, type, settings);
  if (Object.keys(region.customKeyStores).length >= STORE_QUOTA) {
    throw new KmsError('LimitExceededException', `An account can have at most ${STORE_QUOTA} custom key stores in each Region.`);
  }
  const id = `cks-${hex(ctx.random, 9).slice(0, 17)}`;
  region.customKeyStores[id] = { id, name: input.CustomKeyStoreName, type, connectionState: 'DISCONNECTED', createdAt: ctx.now, settings };
  return { CustomKeyStoreId: id };
});

const describeCustomKeyStores = defineOperation('DescribeCustomKeyStores', false, (input, ctx) => {
  ctx.authorize('kms:DescribeCustomKeyStores');
  const all = Object.values(peekRegionState(ctx.state, ctx.caller.accountId, ctx.caller.region)?.customKeyStores ?? {}); // insertion order: creation order, stable across pages
  let selected = all;
  if (input.CustomKeyStoreId !== undefined) {
    selected = [findStore(ctx, input.CustomKeyStoreId)];
  } else if (input.CustomKeyStoreName !== undefined) {
    selected = all.filter((s) => s.name === input.CustomKeyStoreName);
    if (selected.length === 0) throw new KmsError('CustomKeyStoreNotFoundException', `Custom key store name ${input.CustomKeyStoreName} does not exist.`);
  }
  const page = paginate(selected, input, 1000);
  return { CustomKeyStores: page.items.map(describeStore), NextMarker: page.NextMarker, Truncated: page.Truncated };
});

/** What settingsOf keeps: the cluster's facts or the proxy's configuration as DescribeCustomKeyStores returns it. */
type KeptSettings = { CloudHsmClusterId?: string; TrustAnchorCertificate?: string } & XksProxyConfigurationType;

function describeStore(store: CustomKeyStoreRecord): CustomKeyStoresListEntry {
  const s = store.settings as KeptSettings;
  return {
    CustomKeyStoreId: store.id,
    CustomKeyStoreName: store.name,
    CustomKeyStoreType: store.type,
    ConnectionState: store.connectionState,
    ConnectionErrorCode: store.connectionErrorCode,
    CreationDate: new Date(store.createdAt),
    CloudHsmClusterId: store.type === 'AWS_CLOUDHSM' ? s.CloudHsmClusterId : undefined,
    TrustAnchorCertificate: store.type === 'AWS_CLOUDHSM' ? s.TrustAnchorCertificate : undefined,
    XksProxyConfiguration:
      store.type === 'EXTERNAL_KEY_STORE'
        ? { Connectivity: s.Connectivity, AccessKeyId: s.AccessKeyId, UriEndpoint: s.UriEndpoint, UriPath: s.UriPath, VpcEndpointServiceName: s.VpcEndpointServiceName, VpcEndpointServiceOwner: s.VpcEndpointServiceOwner }
        : undefined,
  };
}

const connectCustomKeyStore = defineOperation('ConnectCustomKeyStore', true, (input, ctx) => {
  ctx.authorize('kms:ConnectCustomKeyStore');
  const store = findStore(ctx, input.CustomKeyStoreId);
  if (store.connectionState === 'CONNECTED') return {};
  if (store.connectionState !== 'DISCONNECTED') {
    throw new KmsError('CustomKeyStoreInvalidStateException', `Custom key store ${store.id} is ${store.connectionState}; disconnect it before you connect it again.`);
  }
  store.connectionState = 'CONNECTED';
  delete store.connectionErrorCode;
  // Keys in the store become usable again in the state they had before the store was disconnected.
  for (const key of keysInStore(ctx, store.id)) {
    if (key.state === 'Unavailable') {
      key.state = key.stateAfterTransition ?? 'Enabled';
      delete key.stateAfterTransition;
    }
  }
  return {};
});

const disconnectCustomKeyStore = defineOperation('DisconnectCustomKeyStore', true, (input, ctx) => {
  ctx.authorize('kms:DisconnectCustomKeyStore');
  const store = findStore(ctx, input.CustomKeyStoreId);
  if (store.connectionState === 'DISCONNECTED') {
    throw new KmsError('CustomKeyStoreInvalidStateException', `Custom key store ${store.id} is already disconnected.`);
  }
  store.connectionState = 'DISCONNECTED';
  // A disconnected store's keys are Unavailable; a key pending deletion stays so (its deletion still happens).
  for (const key of keysInStore(ctx, store.id)) {
    if (key.state === 'PendingDeletion' || key.state === 'Unavailable') continue;
    key.stateAfterTransition = key.state;
    key.state = 'Unavailable';
  }
  return {};
});

const deleteCustomKeyStore = defineOperation('DeleteCustomKeyStore', true, (input, ctx) => {
  ctx.authorize('kms:DeleteCustomKeyStore');
  const store = findStore(ctx, input.CustomKeyStoreId);
  if (store.connectionState !== 'DISCONNECTED') {
    throw new KmsError('CustomKeyStoreInvalidStateException', `Custom key store ${store.id} must be disconnected before it can be deleted.`);
  }
  if (keysInStore(ctx, store.id).length > 0) {
    throw new KmsError('CustomKeyStoreHasCMKsException', `Custom key store ${store.id} still has KMS keys. Schedule their deletion and wait for it before you delete the store.`);
  }
  delete storesOf(ctx).customKeyStores[store.id];
  return {};
});

const updateCustomKeyStore = defineOperation('UpdateCustomKeyStore', true, (input, ctx) => {
  ctx.authorize('kms:UpdateCustomKeyStore');
  const store = findStore(ctx, input.CustomKeyStoreId);
  const region = storesOf(ctx);
  const cloudHsmOnly = ['CloudHsmClusterId', 'KeyStorePassword'] as const;
  const xksOnly = ['XksProxyUriEndpoint', 'XksProxyUriPath', 'XksProxyVpcEndpointServiceName', 'XksProxyVpcEndpointServiceOwner', 'XksProxyAuthenticationCredential', 'XksProxyConnectivity'] as const;
  const foreign = (store.type === 'AWS_CLOUDHSM' ? xksOnly : cloudHsmOnly).filter((n) => input[n] !== undefined);
  if (foreign.length > 0) {
    throw new KmsError('ValidationException', `${foreign.join(', ')} cannot be used with a custom key store of type ${store.type}.`);
  }
  // An external key store can change its name, credential and path while connected; everything else needs it disconnected.
  const liveChanges = store.type === 'EXTERNAL_KEY_STORE' ? ['NewCustomKeyStoreName', 'XksProxyAuthenticationCredential', 'XksProxyUriPath'] : [];
  const changes = ['NewCustomKeyStoreName', ...cloudHsmOnly, ...xksOnly].filter((n) => (input as unknown as Record<string, unknown>)[n] !== undefined);
  if (store.connectionState !== 'DISCONNECTED' && changes.some((n) => !liveChanges.includes(n))) {
    throw new KmsError('CustomKeyStoreInvalidStateException', `Custom key store ${store.id} must be disconnected to change ${changes.filter((n) => !liveChanges.includes(n)).join(', ')}.`);
  }
  if (input.CloudHsmClusterId !== undefined && store.settings.CloudHsmClusterId !== input.CloudHsmClusterId) {
    // A store can move only to a cluster that shares the original cluster's backup lineage: locally there is none to check.
    throw new KmsError('CloudHsmClusterNotRelatedException', `Cluster ${input.CloudHsmClusterId} is not related to the cluster of custom key store ${store.id}.`);
  }
  if (input.NewCustomKeyStoreName !== undefined) assertNameFree(region, input.NewCustomKeyStoreName, store.id);
  const settings = settingsOf(store.type, input, store.settings);
  if (store.type === 'EXTERNAL_KEY_STORE') validateXksSettings(settings);
  assertBackingFree(region, store.type, settings, store.id);
  store.settings = settings;
  if (input.NewCustomKeyStoreName !== undefined) store.name = input.NewCustomKeyStoreName;
  return {};
});

export const customKeyStoreOperations = {
  CreateCustomKeyStore: createCustomKeyStore,
  DescribeCustomKeyStores: describeCustomKeyStores,
  ConnectCustomKeyStore: connectCustomKeyStore,
  DisconnectCustomKeyStore: disconnectCustomKeyStore,
  DeleteCustomKeyStore: deleteCustomKeyStore,
  UpdateCustomKeyStore: updateCustomKeyStore,
};
