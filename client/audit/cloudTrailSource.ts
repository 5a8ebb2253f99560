/**
 * The audit panel's events for an AWS connection: the account's recent KMS calls from CloudTrail's event
 * history (LookupEvents for EventSource kms.amazonaws.com), each event's own CloudTrail record read as
 * the project's CloudTrailEvent, so filters, details, export and cost work as on the local log.
 * @aws-sdk/client-cloudtrail is imported on first use: the build gives it its own bundle
 * (`lazyPackages` in scripts/build.mjs), so activation never loads it.
 */
import type { CloudTrailClientConfig, LookupEventsResponse } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailEvent } from '../../src-core/audit/event';
import { isUnreachable } from '../describeError';
import type { AuditSource, ChainCheck, LogSnapshot } from './source';

/**
 * The bound on one load: the last 7 days, at most 1,000 events. LookupEvents returns 50 events a page
 * and allows 2 requests a second per account and Region (shared with every other tool), so 1,000
 * events are 20 requests, about 10 seconds; a week covers recent work, and the count bounds a busy account.
 */
export const LOOKBACK_DAYS = 7;
export const MAX_EVENTS = 1000;
const PAGE_SIZE = 50;

export const NOT_CHAINED = 'Events from AWS CloudTrail: chain verification applies to the local log only.';

/** What to do next when CloudTrail refuses; other failures (credentials, network) keep the general advice. */
const NEXT_STEPS: Record<string, string> = {
  AccessDeniedException: 'Reading the CloudTrail event history needs the IAM permission cloudtrail:LookupEvents: ask for it for this profile, or use another profile.',
  ThrottlingException: 'CloudTrail answers LookupEvents twice a second per account and Region: wait a few seconds and press Refresh.',
  TimeoutError: 'CloudTrail did not answer: check the network or a proxy, then press Refresh.',
};

/** A failure to read CloudTrail; `name` is the AWS exception name when CloudTrail or the SDK gave one. */
export class CloudTrailError extends Error {
  override name: string;
  constructor(
    name: string,
    message: string,
    readonly nextStep?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = name;
  }
}

export interface CloudTrailSourceOptions {
  /** The AWS connection's shared SDK config (`AwsConnection.sdkConfig()`): Region, profile, retries. */
  config: CloudTrailClientConfig & { region: string };
  /** Epoch ms; the look-back window ends here. */
  now?: () => number;
}

export class CloudTrailSource implements AuditSource {
  readonly location: string;

  constructor(private readonly options: CloudTrailSourceOptions) {
    this.location = `AWS CloudTrail · ${options.config.region} · last ${LOOKBACK_DAYS} days`;
  }

  async load(): Promise<LogSnapshot> {
    try {
      return await this.lookUp();
    } catch (error) {
      return { events: [], error: asCloudTrailError(error) };
    }
  }

  async verify(): Promise<ChainCheck> {
    return { unchained: NOT_CHAINED };
  }

  /**
   * Never: the panel does not poll CloudTrail, as its 2 requests a second are shared with every other
   * tool of the account and new events arrive minutes late anyway. Refresh fetches again.
   */
  async changed(): Promise<boolean> {
    return false;
  }

  private async lookUp(): Promise<LogSnapshot> {
    const { CloudTrailClient, LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
    // One client per load: loads are rare (open, Refresh), and nothing stays open between them.
    const client = new CloudTrailClient(this.options.config);
    try {
      const StartTime = new Date((this.options.now ?? Date.now)() - LOOKBACK_DAYS * 86_400_000);
      const newestFirst: CloudTrailEvent[] = [];
      const unreadable: string[] = [];
      let fetched = 0;
      let NextToken: string | undefined;
      do {
        const page: LookupEventsResponse = await client.send(new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
          StartTime,
          MaxResults: Math.min(PAGE_SIZE, MAX_EVENTS - fetched),
          ...(NextToken ? { NextToken } : {}),
        }));
        for (const event of page.Events ?? []) {
          fetched++;
          try {
            newestFirst.push(parseCloudTrailEvent(event.CloudTrailEvent));
          } catch (error) {
            unreadable.push(`${event.EventId ?? 'without an ID'}: ${(error as Error).message}`);
          }
        }
        NextToken = page.NextToken;
      } while (NextToken && fetched < MAX_EVENTS);

      const snapshot: LogSnapshot = { events: newestFirst.reverse() };
      const window = `KMS calls of the last ${LOOKBACK_DAYS} days from the CloudTrail event history`;
      snapshot.notice = NextToken
        ? `The newest ${MAX_EVENTS.toLocaleString('en-US')} ${window}; older ones are in the CloudTrail console. CloudTrail records a call within about 5 minutes: Refresh fetches again.`
        : `${window}. CloudTrail records a call within about 5 minutes: Refresh fetches again.`;
      if (unreadable.length) {
        snapshot.error = new CloudTrailError('CloudTrailError', `${unreadable.length} of ${fetched} events from CloudTrail are not readable CloudTrail records and are left out (event ${unreadable.slice(0, 3).join('; event ')}${unreadable.length > 3 ? '; …' : ''}).`);
      }
      return snapshot;
    } finally {
      client.destroy();
    }
  }
}

/** Keeps the AWS exception name and message, says it was CloudTrail, and adds CloudTrail's next step. */
function asCloudTrailError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof CloudTrailError) return error;
  const next = NEXT_STEPS[error.name] ?? (isUnreachable(error) ? NEXT_STEPS.TimeoutError : undefined);
  return new CloudTrailError(error.name, `CloudTrail LookupEvents failed: ${error.message}`, next, { cause: error });
}

/**
 * One event's `CloudTrailEvent` JSON text as the project's event type. Fields the panel relies on must
 * be there; what CloudTrail leaves out for some calls is filled as the local log writes it: no
 * resources is `[]`, no parameters `null`, and an AWS service calling for the user (which has no ARN,
 * only `invokedBy`) is named by the service, as local events name a service principal.
 */
export function parseCloudTrailEvent(text: string | undefined): CloudTrailEvent {
  if (text === undefined) throw new Error('no CloudTrailEvent record');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('its CloudTrailEvent is not JSON');
  }
  if (!isRecord(raw)) throw new Error('its CloudTrailEvent is not a JSON object');
  for (const field of ['eventID', 'eventTime', 'eventName', 'eventSource'] as const) {
    if (typeof raw[field] !== 'string') throw new Error(`its CloudTrailEvent has no ${field}`);
  }
  if (raw.eventSource !== 'kms.amazonaws.com') throw new Error(`its CloudTrailEvent is from ${String(raw.eventSource)}, not kms.amazonaws.com`);
  if (Number.isNaN(Date.parse(raw.eventTime as string))) throw new Error('its CloudTrailEvent has an eventTime that is not a time');
  const identity = isRecord(raw.userIdentity) ? raw.userIdentity : {};
  const arn = typeof identity.arn === 'string' ? identity.arn : typeof identity.invokedBy === 'string' ? identity.invokedBy : '';
  return {
    ...raw,
    userIdentity: { ...identity, arn },
    resources: Array.isArray(raw.resources) ? raw.resources.filter((r) => isRecord(r) && typeof r.ARN === 'string') : [],
    requestParameters: isRecord(raw.requestParameters) ? raw.requestParameters : null,
    responseElements: isRecord(raw.responseElements) ? raw.responseElements : null,
  } as CloudTrailEvent;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
