/** Audit events for the audit tests, made the way KmsService makes them (through toCloudTrailEvent). */
import { toCloudTrailEvent, type CallRecord, type CloudTrailEvent } from '../../../src-core/audit/event';

export const ACCOUNT = '123456789012';
export const KEY_A = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_B = 'mrk-0123456789abcdef0123456789abcdef';
export const arnOf = (keyId: string, region = 'us-east-1') => `arn:aws:kms:${region}:${ACCOUNT}:key/${keyId}`;

let counter = 0;

export function auditEvent(overrides: Partial<CallRecord> & { operation: string }): CloudTrailEvent {
  counter++;
  return toCloudTrailEvent({
    caller: { accountId: ACCOUNT, region: 'us-east-1', principal: `arn:aws:iam::${ACCOUNT}:root` },
    time: Date.UTC(2026, 0, 1),
    requestId: `req-${counter}`,
    eventId: `evt-${counter}`,
    readOnly: true,
    input: {},
    resources: [],
    ...overrides,
  });
}
