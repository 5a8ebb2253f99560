/**
 * Audit events as files users hand to other tools: JSON in CloudTrail's log-file shape
 * (`{"Records": [...]}`, which CloudTrail readers and Athena's CloudTrail SerDe accept), or CSV with
 * one row per call for spreadsheets.
 */
import type { CloudTrailEvent } from './event';

export function toCloudTrailJson(events: readonly CloudTrailEvent[]): string {
  return `${JSON.stringify({ Records: events }, null, 2)}\n`;
}

const CSV_COLUMNS: [string, (e: CloudTrailEvent) => string | boolean | undefined][] = [
  ['eventTime', (e) => e.eventTime],
  ['eventName', (e) => e.eventName],
  ['awsRegion', (e) => e.awsRegion],
  ['principal', (e) => e.userIdentity.arn],
  ['accessKeyId', (e) => e.userIdentity.accessKeyId],
  ['resources', (e) => e.resources.map((r) => r.ARN).join(' ')],
  ['readOnly', (e) => e.readOnly],
  ['errorCode', (e) => e.errorCode],
  ['errorMessage', (e) => e.errorMessage],
  ['sourceIPAddress', (e) => e.sourceIPAddress],
  ['userAgent', (e) => e.userAgent],
  ['requestID', (e) => e.requestID],
  ['eventID', (e) => e.eventID],
  ['requestParameters', (e) => (e.requestParameters ? JSON.stringify(e.requestParameters) : undefined)],
];

/** RFC 4180 CSV with CRLF line ends. */
export function toCsv(events: readonly CloudTrailEvent[]): string {
  const rows = [CSV_COLUMNS.map(([name]) => name), ...events.map((e) => CSV_COLUMNS.map(([, value]) => String(value(e) ?? '')))];
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(text: string): string {
  // A leading =, +, - or @ would run as a formula in a spreadsheet: prefix a quote, as OWASP advises.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}
