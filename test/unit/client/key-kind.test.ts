/** What a key's row says: usage first, state only when not Enabled, one grouping axis, badges. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { keyDescription, keyFamily, stateIcon } from '../../../client/tree/keyKind';
import type { KeyEntry } from '../../../client/tree/keyList';

const entry = (metadata: KeyMetadata, aliases: string[] = ['alias/app'], unreadable?: string): KeyEntry => ({ metadata, aliases, ...(unreadable ? { unreadable } : {}) });
const base: KeyMetadata = { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', KeyState: 'Enabled', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', Origin: 'AWS_KMS' };

describe('key rows', () => {
  it('say the usage, and the state only when it is not Enabled', () => {
    assert.equal(keyDescription(entry(base)), 'encrypt/decrypt');
    assert.equal(keyDescription(entry({ ...base, KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })), 'sign/verify · RSA_2048');
    assert.equal(keyDescription(entry({ ...base, KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })), 'encrypt/decrypt · RSA_2048');
    assert.equal(keyDescription(entry({ ...base, KeyState: 'Disabled' })), 'disabled · encrypt/decrypt');
    assert.equal(keyDescription(entry({ ...base, KeyState: 'PendingDeletion', DeletionDate: new Date('2026-12-12T00:00:00Z') })), 'pending deletion 2026-12-12 · encrypt/decrypt');
  });

  it('show a key without an alias by its description, and multi-Region and imported material as badges', () => {
    assert.equal(keyDescription(entry({ ...base, Description: 'billing exports' }, [])), 'billing exports · encrypt/decrypt');
    assert.equal(keyDescription(entry({ ...base, MultiRegion: true, MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY' } })), 'encrypt/decrypt · multi-Region');
    assert.equal(keyDescription(entry({ ...base, Origin: 'EXTERNAL', KeyState: 'PendingImport' })), 'awaiting key material · encrypt/decrypt · imported');
  });

  it('group by spec only: a multi-Region or imported symmetric key is Symmetric; an unreadable key has its own group', () => {
    assert.equal(keyFamily(entry({ ...base, MultiRegion: true })), 'symmetric');
    assert.equal(keyFamily(entry({ ...base, Origin: 'EXTERNAL' })), 'symmetric');
    assert.equal(keyFamily(entry({ ...base, KeySpec: 'ECC_NIST_P256' })), 'ecc');
    assert.equal(keyFamily(entry({ KeyId: base.KeyId }, [], 'AccessDeniedException: no')), 'unreadable');
  });

  it('colour the icons of keys that need attention, and show why a key is unreadable', () => {
    assert.deepEqual(stateIcon(entry(base)), { id: 'key' });
    assert.deepEqual(stateIcon(entry({ ...base, KeyState: 'PendingDeletion' })), { id: 'trash', color: 'list.errorForeground' });
    assert.deepEqual(stateIcon(entry({ ...base, KeyState: 'Disabled' })), { id: 'circle-slash', color: 'disabledForeground' });
    const unreadable = entry({ KeyId: base.KeyId }, [], 'AccessDeniedException: the key policy denies kms:DescribeKey');
    assert.deepEqual(stateIcon(unreadable), { id: 'warning', color: 'list.warningForeground' });
    assert.equal(keyDescription(unreadable), 'AccessDeniedException: the key policy denies kms:DescribeKey');
  });
});
