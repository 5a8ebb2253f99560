/** Matching primitives shared by the checks and the evaluator. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arnMatch, expandVariables, ipInRange, parseCidr, parseDate, parseNumber, piecesMatch, wildcardMatch } from '../../../src-core/policy/match';

test('wildcards: * any run, ? one character, case only when asked', () => {
  assert.equal(wildcardMatch('kms:Gen*', 'kms:GenerateDataKey'), true);
  assert.equal(wildcardMatch('kms:Gen*', 'KMS:generatedatakey'), false);
  assert.equal(wildcardMatch('kms:Gen*', 'KMS:generatedatakey', true), true);
  assert.equal(wildcardMatch('kms:?ecrypt', 'kms:Decrypt'), true);
  assert.equal(wildcardMatch('kms:?ecrypt', 'kms:ecrypt'), false);
  assert.equal(wildcardMatch('*', ''), true);
  assert.equal(wildcardMatch('a*b*c', 'axxbyyc'), true);
  assert.equal(wildcardMatch('a*b*c', 'axxbyy'), false);
  assert.equal(wildcardMatch('exact', 'exact'), true);
});

test('patterns that make regular expressions backtrack stay linear-ish', () => {
  const value = 'a'.repeat(5000);
  assert.equal(wildcardMatch('a*a*a*a*a*a*a*a*a*a*b', value), false);
  assert.equal(wildcardMatch('*a*a*a*a*a*a*a*a*a*a', value), true);
});

test('policy variables: substituted literally, escapes, defaults, missing values match nothing', () => {
  const lookup = (n: string) => ({ 'aws:username': 'a*b' } as Record<string, string>)[n];
  const pieces = expandVariables('home/${aws:username}/*', lookup, true)!;
  assert.equal(piecesMatch(pieces, 'home/a*b/x', false), true);
  assert.equal(piecesMatch(pieces, 'home/axxb/x', false), false);
  assert.equal(piecesMatch(expandVariables('${*}', lookup, true)!, '*', false), true);
  assert.equal(piecesMatch(expandVariables('${*}', lookup, true)!, 'x', false), false);
  assert.equal(piecesMatch(expandVariables("${aws:PrincipalTag/team, 'none'}", lookup, false)!, 'none', false), true);
  assert.equal(expandVariables('${aws:PrincipalTag/team}', lookup, false), undefined);
});

test('ARN matching is per part: * never crosses a colon, except in the resource part', () => {
  const none = () => undefined;
  assert.equal(arnMatch('arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/a/b', none, true), true);
  assert.equal(arnMatch('arn:aws:*:role/x', 'arn:aws:iam::111122223333:role/x', none, true), false);
  assert.equal(arnMatch('arn:aws:logs:*:*:log-group:*', 'arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s', none, true), true);
});

test('IP ranges (v4, v6, mapped), numbers and dates', () => {
  assert.equal(ipInRange('10.0.0.0/8', '10.255.1.1'), true);
  assert.equal(ipInRange('10.0.0.0/8', '11.0.0.1'), false);
  assert.equal(ipInRange('2001:db8::/32', '2001:db8:ffff::1'), true);
  assert.equal(ipInRange('2001:db8::/32', '10.0.0.1'), false);
  assert.equal(ipInRange('::ffff:0:0/96', '::ffff:10.0.0.1'), true);
  assert.equal(parseCidr('10.0.0.256'), undefined);
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('1::2::3'), undefined);
  assert.equal(parseNumber(' 42 '), 42);
  assert.equal(parseNumber('4e2'), 400);
  assert.equal(parseNumber('ten'), undefined);
  assert.equal(parseDate('2026-01-01T00:00:00Z'), Date.UTC(2026, 0, 1));
  assert.equal(parseDate('1700000000'), 1700000000000);
  assert.equal(parseDate('tomorrow'), undefined);
});
