/**
 * Filters over audit events, for `kmsw audit list`, the audit panel and the HTTP host. Every field
 * given must match (they combine with AND); an absent field matches everything.
 */
import { accountOfKeyArn } from '../ids/identifiers';
import type { CloudTrailEvent } from './event';

export interface AuditFilter {
  /** Inclusive lower bound, epoch ms. */
  since?: number;
  /** Exclusive upper bound, epoch ms. */
  until?: number;
  /** A key ID, key ARN or alias name the call named or acted on. */
  key?: string;
  /** Operation names (eventName), e.g. ["Encrypt", "Decrypt"]. */
  operations?: string[];
  /** The caller's principal ARN (userIdentity.arn) or access key ID. */
  principal?: string;
  /** Only failed calls with this exception name. */
  errorCode?: string;
  /** Only failed calls (any exception). */
  errorsOnly?: boolean;
  readOnly?: boolean;
  awsRegion?: string;
}

export function matchesFilter(event: CloudTrailEvent, filter: AuditFilter): boolean {
  if (filter.since !== undefined || filter.until !== undefined) {
    const time = Date.parse(event.eventTime);
    if (filter.since !== undefined && time < filter.since) return false;
    if (filter.until !== undefined && time >= filter.until) return false;
  }
  if (filter.key !== undefined && !namesKey(event, filter.key)) return false;
  if (filter.operations?.length && !filter.operations.includes(event.eventName)) return false;
  if (filter.principal !== undefined && event.userIdentity.arn !== filter.principal && event.userIdentity.accessKeyId !== filter.principal) return false;
  if (filter.errorCode !== undefined && event.errorCode !== filter.errorCode) return false;
  if (filter.errorsOnly && event.errorCode === undefined) return false;
  if (filter.readOnly !== undefined && event.readOnly !== filter.readOnly) return false;
  if (filter.awsRegion !== undefined && event.awsRegion !== filter.awsRegion) return false;
  return true;
}

export function filterEvents(events: readonly CloudTrailEvent[], filter: AuditFilter = {}): CloudTrailEvent[] {
  return events.filter((event) => matchesFilter(event, filter));
}

/** The key ID of a key ARN (`arn:aws:kms:R:A:key/ID`), or undefined for any other text. */
export function keyIdOfArn(arn: string): string | undefined {
  return accountOfKeyArn(arn) ? arn.slice(arn.indexOf(':key/') + ':key/'.length) : undefined;
}

/**
 * The identifiers of the keys an event names, most specific first: the keys it acted on (ID, then
 * ARN), the key a CreateKey made, then the key IDs, ARNs or aliases its request named. A failed
 * call on an unknown key has no resources, so its parameters are the only trace of the key asked for.
 */
export function keyReferences(event: CloudTrailEvent): string[] {
  const refs: string[] = [];
  for (const { ARN } of event.resources) refs.push(keyIdOfArn(ARN) ?? ARN, ARN);
  const metadata = event.responseElements?.keyMetadata as { keyId?: unknown; arn?: unknown } | undefined;
  const params = event.requestParameters ?? {};
  for (const value of [metadata?.keyId, metadata?.arn, ...KEY_PARAMETERS.map((name) => params[name])]) {
    if (typeof value === 'string') refs.push(value);
  }
  return refs;
}

const KEY_PARAMETERS = ['keyId', 'targetKeyId', 'sourceKeyId', 'destinationKeyId', 'aliasName'];

function namesKey(event: CloudTrailEvent, key: string): boolean {
  return keyReferences(event).includes(key);
}
