import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspTestClient, messageOf, positionOf } from './client';

const ACCOUNT = '111122223333';

const ROOT_STATEMENT = `{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}`;
const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    ${ROOT_STATEMENT},
    {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${ACCOUNT}:role/App"}, "Action": ["kms:Decrypt", "kms:Decrypy"], "Resource": "*"}
  ]
}
`;

/** The AWS default key policy: must come out clean. */
const DEFAULT_POLICY = `{
  "Version": "2012-10-17",
  "Id": "key-default-1",
  "Statement": [${ROOT_STATEMENT.replace('"Root"', '"Enable IAM User Permissions"')}]
}
`;

const TEMPLATE_JSON = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "AppKey": {
      "Type": "AWS::KMS::Key",
      "Properties": {
        "KeyPolicy": {
          "Version": "2012-10-17",
          "Statement": [${ROOT_STATEMENT}, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${ACCOUNT}:role/App"}, "Action": "kms:Encrypt", "Resource": "arn:aws:kms:us-east-1:${ACCOUNT}:key/*"}]
        }
      }
    }
  }
}
`;

const TEMPLATE_YAML = `Resources:
  AppKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: kms:Decrypt
            Resource: '*'
`;

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

describe('policy diagnostics over LSP', () => {
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client.stop());

  it('checks a policy file on open, with positions, severities and the source', async () => {
    const diagnostics = await client.open('file:///work/app.kms-policy.json', 'json', POLICY);
    assert.deepEqual(codes(diagnostics), ['unknown-action']);
    const [d] = diagnostics;
    assert.equal(d.severity, 1);
    assert.equal(d.source, 'kms-workbench');
    assert.match(messageOf(d), /did you mean "kms:Decrypt"/);
    const start = positionOf(POLICY, '"kms:Decrypy"');
    assert.deepEqual(d.range, { start, end: { line: start.line, character: start.character + '"kms:Decrypy"'.length } });
  });

  it('leaves the AWS default key policy clean', async () => {
    assert.deepEqual(await client.open('file:///work/key-policy-default.json', 'json', DEFAULT_POLICY), []);
  });

  it('checks any JSON whose statements name kms: actions, and leaves other JSON alone', async () => {
    assert.deepEqual(codes(await client.open('file:///work/policies/app.json', 'json', POLICY)), ['unknown-action']);
    assert.deepEqual(await client.open('file:///work/package.json', 'json', '{ "name": "kms:tool", "version": 1, }'), []);
  });

  it('checks key policies embedded in CloudFormation templates, JSON and YAML, pointing into the template', async () => {
    const json = await client.open('file:///work/stack.template.json', 'json', TEMPLATE_JSON);
    const notStar = json.find((d) => d.code === 'resource-not-star');
    assert.ok(notStar, `resource-not-star in ${codes(json)}`);
    assert.deepEqual(notStar.range.start, positionOf(TEMPLATE_JSON, `"arn:aws:kms:us-east-1:${ACCOUNT}:key/*"`));
    const yaml = await client.open('file:///work/stack.yaml', 'yaml', TEMPLATE_YAML);
    assert.deepEqual(codes(yaml), ['lockout-risk', 'wildcard-principal']);
    assert.deepEqual(yaml.find((d) => d.code === 'wildcard-principal')?.range.start, positionOf(TEMPLATE_YAML, "'*'"));
  });

  it('re-checks after an incremental change and offers the fix as a quick fix', async () => {
    const uri = 'file:///work/edit.kms-policy.json';
    const broken = POLICY.replace('"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role', '"effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role');
    const opened = await client.open(uri, 'json', broken);
    assert.deepEqual(codes(opened), ['missing-element', 'unknown-action', 'unknown-element']);

    // Fix the action by typing over its last letter.
    const y = positionOf(broken, 'Decrypy"', 'Decryp'.length);
    const changed = await client.change(uri, [{ range: { start: y, end: { line: y.line, character: y.character + 1 } }, text: 't' }]);
    assert.equal(changed.version, 2);
    assert.deepEqual(codes(changed.diagnostics), ['missing-element', 'unknown-element']);

    const unknown = changed.diagnostics.find((d) => d.code === 'unknown-element')!;
    const [action] = await client.codeActions(uri, unknown.range, [unknown]);
    assert.equal(action.title, 'Rename to "Effect"');
    assert.equal(action.kind, 'quickfix');
    const edits = action.edit?.changes?.[uri];
    assert.deepEqual(edits, [{ range: unknown.range, newText: '"Effect"' }]);

    const fixed = await client.change(uri, edits!.map((e) => ({ range: e.range, text: e.newText })));
    assert.deepEqual(fixed.diagnostics, []);
    // The old diagnostic's fix belongs to version 2: after the edit it is no longer offered.
    assert.deepEqual(await client.codeActions(uri, unknown.range, [unknown]), []);
  });

  it('leaves out the checks the settings disable', async () => {
    const uri = 'file:///work/app.kms-policy.json';
    const published = client.nextDiagnostics(uri);
    await client.changeSettings({ disabledChecks: ['unknown-action'] });
    assert.deepEqual((await published).diagnostics, []);
    const restored = client.nextDiagnostics(uri);
    await client.changeSettings({});
    assert.deepEqual(codes((await restored).diagnostics), ['unknown-action']);
  });

  it('follows the policy-file globs from the settings', async () => {
    const uri = 'file:///work/custom/policy.txt.json';
    const notPolicy = '{ "Statement": 3 }';
    assert.deepEqual(await client.open(uri, 'json', notPolicy), []);
    const published = client.nextDiagnostics(uri);
    await client.changeSettings({ policyFiles: ['**/custom/*.json'] });
    assert.ok((await published).diagnostics.length > 0);
    await client.changeSettings({});
  });
});
