import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Position } from 'vscode-languageserver-protocol';
import { LspTestClient } from './client';

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
     "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
     "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}, "Null": {"kms:EncryptionContextKeys": "false"}}}
  ]
}
`;

const TEMPLATE = `Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Sid: Root
            Effect: Allow
            Principal: { AWS: !Sub 'arn:aws:iam::\${AWS::AccountId}:root' }
            Action: 'kms:*'
            Resource: '*'
            Condition:
              Bool: { kms:GrantIsForAWSResource: true }
`;

/** Deterministic pseudo-random numbers, so a failure replays. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const SNIPPETS = ['"', '{', '}', '[', ']', ',', ':', 'kms:', '\n', ' ', '- ', 'Statement', '!Ref ', 'alias/', '*'];

function positionAt(text: string, offset: number): Position {
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** Random deletions and insertions, each sent as an incremental change, with requests at random places. */
async function mutate(client: LspTestClient, uri: string, start: string, seed: number, rounds: number): Promise<void> {
  const random = lcg(seed);
  let text = start;
  for (let i = 0; i < rounds; i++) {
    const from = Math.floor(random() * (text.length + 1));
    const to = Math.min(text.length, from + Math.floor(random() * 4));
    const insert = random() < 0.5 ? SNIPPETS[Math.floor(random() * SNIPPETS.length)] : '';
    const change = { range: { start: positionAt(text, from), end: positionAt(text, to) }, text: insert };
    text = text.slice(0, from) + insert + text.slice(to);
    const published = await client.change(uri, [change]);
    assert.equal(published.version, i + 2);
    const at = positionAt(text, Math.floor(random() * (text.length + 1)));
    const [completion, hover, symbols] = await Promise.all([client.completion(uri, at), client.hover(uri, at), client.symbols(uri)]);
    assert.ok(Array.isArray(completion) && Array.isArray(symbols) && (hover === null || typeof hover === 'object'));
  }
  assert.deepEqual(client.loggedErrors, [], 'no check threw');
}

describe('language server under random edits', () => {
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client.stop());

  it('keeps answering while a JSON policy is mangled, publishing each version in order', async () => {
    const uri = 'file:///work/fuzz.kms-policy.json';
    await client.open(uri, 'json', POLICY);
    await mutate(client, uri, POLICY, 7, 150);
  });

  it('keeps answering while a YAML template is mangled', async () => {
    const uri = 'file:///work/fuzz.yaml';
    await client.open(uri, 'yaml', TEMPLATE);
    await mutate(client, uri, TEMPLATE, 11, 150);
  });
});

describe('language server on hostile policies (issue 9)', () => {
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client.stop());

  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const cases: [string, string, string[]][] = [
    ['nested 2,500 deep', `{"Version": "2012-10-17", "Statement": ${deep(2500)}}`, ['json-syntax']],
    ['1 MB of strings', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'x'.repeat(1_000_000) }, Action: 'kms:*', Resource: '*' }] }), ['policy-too-large']],
    ['300 statements', JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 300 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' })) }), ['policy-near-limit', 'redundant-statement']],
  ];
  for (const [name, text, codes] of cases) {
    it(`publishes findings and keeps answering: ${name}`, async () => {
      const uri = `file:///work/${name.replace(/\W+/g, '-')}.kms-policy.json`;
      const diagnostics = await client.open(uri, 'json', text);
      assert.deepEqual([...new Set(diagnostics.map((d) => d.code))], codes);
      const [hover, symbols, completion] = await Promise.all([client.hover(uri, { line: 0, character: 3 }), client.symbols(uri), client.completion(uri, { line: 0, character: 3 })]);
      assert.ok((hover === null || typeof hover === 'object') && Array.isArray(symbols) && Array.isArray(completion));
      assert.deepEqual(client.loggedErrors, []);
    });
  }
});
