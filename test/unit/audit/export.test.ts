import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toCloudTrailJson, toCsv } from '../../../src-core/audit/export';
import { arnOf, auditEvent, KEY_A } from './events';

describe('audit export', () => {
  const events = [
    auditEvent({ operation: 'CreateKey', readOnly: false, input: { Description: 'has "quotes", commas\nand a newline' }, resources: [arnOf(KEY_A)], requestId: 'r1' }),
    auditEvent({ operation: 'DescribeKey', input: { KeyId: '=HYPERLINK("x")' }, error: { name: 'NotFoundException', message: '=cmd' }, requestId: 'r2' }),
  ];

  it('writes JSON in CloudTrail’s log-file shape', () => {
    assert.deepEqual(JSON.parse(toCloudTrailJson(events)), { Records: events });
  });

  it('writes CSV with a header, quoting what needs it and defusing spreadsheet formulas', () => {
    const csv = toCsv(events);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'eventTime,eventName,awsRegion,principal,accessKeyId,resources,readOnly,errorCode,errorMessage,sourceIPAddress,userAgent,requestID,eventID,requestParameters');
    assert.equal(lines.at(-1), '', 'ends with a line break');
    assert.ok(lines[1].startsWith(`2026-01-01T00:00:00Z,CreateKey,us-east-1,arn:aws:iam::123456789012:root,,${arnOf(KEY_A)},false,,,local,kms-workbench,r1,`));
    assert.ok(csv.includes('"{""description"":""has \\""quotes\\"", commas\\nand a newline""}"'));
    assert.ok(csv.includes(`,NotFoundException,"'=cmd",`));
    assert.equal(csv.includes(',=cmd'), false);
  });

  it('writes only the header for no events', () => {
    assert.equal(toCsv([]).split('\r\n').length, 2);
  });
});
