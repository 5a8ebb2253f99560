/**
 * CloudTrail-format records of KMS calls, shaped like the events AWS writes for kms.amazonaws.com,
 * so the audit panel, `kmsw audit export` and users' own CloudTrail tooling read them alike.
 */
import type { Caller } from '../kms/context';
import { redactForAudit } from '../kms/wire';

export interface CloudTrailEvent {
  eventVersion: string;
  userIdentity: {
    type: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService' | 'Unknown';
    principalId: string;
    arn: string;
    accountId: string;
    accessKeyId?: string;
  };
  eventTime: string;
  eventSource: 'kms.amazonaws.com';
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources: { accountId: string; type: 'AWS::KMS::Key'; ARN: string }[];
  eventType: 'AwsApiCall';
  managementEvent: true;
  recipientAccountId: string;
  eventCategory: 'Management';
}

export interface CallRecord {
  operation: string;
  caller: Caller;
  time: number;
  requestId: string;
  eventId: string;
  readOnly: boolean;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  error?: { name: string; message: string };
  /** ARNs of the keys the call acted on. */
  resources: string[];
}

function identityType(principal: string): CloudTrailEvent['userIdentity']['type'] {
  if (principal.endsWith(':root')) return 'Root';
  if (principal.includes(':user/')) return 'IAMUser';
  if (principal.includes(':assumed-role/')) return 'AssumedRole';
  if (/^[a-z0-9.-]+\.amazonaws\.com$/.test(principal)) return 'AWSService';
  return 'Unknown';
}

/** CloudTrail writes times to the second, without milliseconds. */
function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function toCloudTrailEvent(call: CallRecord): CloudTrailEvent {
  const { caller } = call;
  const event: CloudTrailEvent = {
    eventVersion: '1.11',
    userIdentity: {
      type: identityType(caller.principal),
      principalId: caller.accessKeyId ?? caller.accountId,
      arn: caller.principal,
      accountId: caller.accountId,
      ...(caller.accessKeyId ? { accessKeyId: caller.accessKeyId } : {}),
    },
    eventTime: eventTime(call.time),
    eventSource: 'kms.amazonaws.com',
    eventName: call.operation,
    awsRegion: caller.region,
    sourceIPAddress: caller.sourceIp ?? 'local',
    userAgent: caller.userAgent ?? 'kms-workbench',
    requestParameters: redactForAudit(call.operation, 'input', call.input),
    // AWS records no response elements for read-only calls (Encrypt, Decrypt, Describe*, …).
    responseElements: call.output && !call.readOnly ? redactForAudit(call.operation, 'output', call.output) : null,
    requestID: call.requestId,
    eventID: call.eventId,
    readOnly: call.readOnly,
    resources: call.resources.map((arn) => ({ accountId: arn.split(':')[4], type: 'AWS::KMS::Key' as const, ARN: arn })),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: caller.accountId,
    eventCategory: 'Management',
  };
  if (call.error) {
    event.errorCode = call.error.name;
    // AWS leaves some errors without a message (InvalidCiphertextException); CloudTrail then has no errorMessage.
    if (call.error.message) event.errorMessage = call.error.message;
  }
  return event;
}
