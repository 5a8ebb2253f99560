/**
 * CloudTrail-format records of KMS calls, shaped like the events AWS writes for kms.amazonaws.com,
 * so the audit panel, `kmsw audit export` and users' own CloudTrail tooling read them alike.
 */
import type { Caller } from '../caller';
import { redactForAudit } from '../kms/wire';

export interface CloudTrailEvent {
  eventVersion: string;
  userIdentity: {
    /** Absent on service events, as in AWS's. */
    type?: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService' | 'Unknown';
    principalId?: string;
    /** On service events AWS has none; the local log writes invokedBy here, as the CloudTrail reader fills it, so every reader shows who acted. */
    arn: string;
    accountId: string;
    accessKeyId?: string;
    /** Service events: the service that acted (AWS writes kms.amazonaws.com or "AWS Internal"). */
    invokedBy?: string;
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
  /** AwsServiceEvent: something KMS did on its own (a waiting period ended, an automatic rotation). */
  eventType: 'AwsApiCall' | 'AwsServiceEvent';
  additionalEventData?: Record<string, unknown>;
  /** Service events: what the service did (automatic RotateKey: rotationType and keyId). */
  serviceEventDetails?: Record<string, unknown>;
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

/** A change KMS made on its own, on the keyring's clock (DeleteKey after the waiting period, automatic RotateKey). */
export interface ServiceRecord {
  eventName: string;
  accountId: string;
  region: string;
  time: number;
  eventId: string;
  keyArn?: string;
  requestParameters?: Record<string, unknown>;
  additionalEventData?: Record<string, unknown>;
  /** Service events: what the service did (automatic RotateKey: rotationType and keyId). */
  serviceEventDetails?: Record<string, unknown>;
}

const KMS_SERVICE = 'kms.amazonaws.com';
/** What CloudTrail's KMS service events (DeleteKey, automatic RotateKey) name as invokedBy, source IP and user agent. */
const AWS_INTERNAL = 'AWS Internal';

/**
 * CloudTrail's shape for KMS service events (AWS's DeleteKey and RotateKey examples): a userIdentity of
 * only the account and `invokedBy: "AWS Internal"`, the same as source IP and user agent,
 * `AwsServiceEvent`, and (since December 2022) the key ARN in responseElements.keyId. One addition:
 * `userIdentity.arn` repeats invokedBy, so every reader of the local log shows who acted.
 */
export function toServiceEvent(record: ServiceRecord): CloudTrailEvent {
  return {
    eventVersion: '1.11',
    userIdentity: { accountId: record.accountId, invokedBy: AWS_INTERNAL, arn: AWS_INTERNAL },
    eventTime: eventTime(record.time),
    eventSource: KMS_SERVICE,
    eventName: record.eventName,
    awsRegion: record.region,
    sourceIPAddress: AWS_INTERNAL,
    userAgent: AWS_INTERNAL,
    requestParameters: record.requestParameters ?? null,
    responseElements: record.keyArn ? { keyId: record.keyArn } : null,
    ...(record.additionalEventData ? { additionalEventData: record.additionalEventData } : {}),
    ...(record.serviceEventDetails ? { serviceEventDetails: record.serviceEventDetails } : {}),
    requestID: record.eventId,
    eventID: record.eventId,
    readOnly: false,
    resources: record.keyArn ? [{ accountId: record.accountId, type: 'AWS::KMS::Key' as const, ARN: record.keyArn }] : [],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: record.accountId,
    eventCategory: 'Management',
  };
}
