import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-protocol';
import { LspTestClient, hoverText, positionOf } from './client';

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Enable IAM User Permissions",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::${ACCOUNT}:root" },
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "AllowUse",
      "Effect": "Allow",
      "Principal": { "AWS": "" },
      "Action": ["kms:Decrypt", "kms:De"],
      "Resource": "*",
      "Condition": { "StringEquals": { "kms:ViaService": "", "kms:EncryptionAlgorithm": "" } }
    }
  ]
}
`;

const TEMPLATE_YAML = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AppKey:
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
          - Sid: Use
            Effect: Allow
            Principal: '*'
            Action: kms:GenerateDataKey*
            Resource: '*'
`;

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

function edit(item: CompletionItem | undefined): TextEdit {
  assert.ok(item?.textEdit && 'range' in item.textEdit, 'item has a textEdit');
  return item.textEdit;
}

describe('policy editing over LSP', () => {
  let client: LspTestClient;
  const uri = 'file:///work/app.kms-policy.json';
  const yamlUri = 'file:///work/template.yaml';

  before(async () => {
    client = await LspTestClient.start();
    await client.sendKeyring({
      scopes: [{ connection: 'local', accountId: ACCOUNT, region: 'us-east-1' }],
      keys: [{
        keyId: KEY_ID, arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`, aliases: ['alias/app'], state: 'Enabled', spec: 'SYMMETRIC_DEFAULT',
        usage: 'ENCRYPT_DECRYPT', description: 'app', accountId: ACCOUNT, region: 'us-east-1', connection: 'local',
      }],
    });
    await client.open(uri, 'json', POLICY);
    await client.open(yamlUri, 'yaml', TEMPLATE_YAML);
  });
  after(() => client.stop());

  it('declares incremental sync and the features it serves', () => {
    assert.equal(client.capabilities?.textDocumentSync, 2);
    assert.ok(client.capabilities?.completionProvider);
    assert.equal(client.capabilities?.hoverProvider, true);
    assert.equal(client.capabilities?.documentSymbolProvider, true);
  });

  it('completes actions, with wildcards, replacing the string being typed', async () => {
    const at = positionOf(POLICY, '"kms:De"', 6);
    const items = await client.completion(uri, at);
    const names = labels(items);
    for (const expected of ['kms:Decrypt', 'kms:DescribeKey', 'kms:*', 'kms:Describe*', 'kms:ReEncrypt*', 'kms:GenerateDataKey']) assert.ok(names.includes(expected), expected);
    const decrypt = items.find((i) => i.label === 'kms:Decrypt');
    const start = positionOf(POLICY, '"kms:De"');
    assert.deepEqual(edit(decrypt), { range: { start, end: { line: start.line, character: start.character + 8 } }, newText: '"kms:Decrypt"' });
    assert.equal(decrypt?.filterText, '"kms:Decrypt"');
    // IAM-only actions are offered but ranked after those a key policy can grant.
    const createKey = items.find((i) => i.label === 'kms:CreateKey');
    assert.match(String(createKey?.detail), /IAM policy only/);
    assert.ok(String(createKey?.sortText) > String(decrypt?.sortText));
  });

  it('completes statement elements, Effect values, principals from the keyring and Resource values', async () => {
    const keys = labels(await client.completion(uri, positionOf(POLICY, '"Sid": "AllowUse"', 1)));
    assert.deepEqual(keys.sort(), ['Action', 'Condition', 'Effect', 'NotAction', 'NotPrincipal', 'NotResource', 'Principal', 'Resource', 'Sid']);
    assert.deepEqual(labels(await client.completion(uri, positionOf(POLICY, '"Allow"', 1))).sort(), ['Allow', 'Deny']);
    const principals = labels(await client.completion(uri, positionOf(POLICY, '"AWS": ""', 8)));
    assert.deepEqual(principals, [`arn:aws:iam::${ACCOUNT}:root`, '*']);
    const resources = labels(await client.completion(uri, positionOf(POLICY, '"Resource": "*"', 13)));
    assert.deepEqual(resources, ['*', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`]);
  });

  it('completes condition operators, keys and values', async () => {
    const operators = labels(await client.completion(uri, positionOf(POLICY, '"StringEquals"', 1)));
    for (const op of ['StringEquals', 'StringLikeIfExists', 'ForAnyValue:StringEquals', 'Bool', 'ArnLike', 'Null']) assert.ok(operators.includes(op), op);
    const keys = await client.completion(uri, positionOf(POLICY, '"kms:ViaService"', 1));
    const keyNames = labels(keys);
    for (const k of ['kms:ViaService', 'kms:CallerAccount', 'kms:EncryptionContext:…', 'aws:PrincipalArn', 'aws:SourceVpce']) assert.ok(keyNames.includes(k), k);
    const ec = keys.find((i) => i.label === 'kms:EncryptionContext:…');
    assert.match(edit(ec).newText, /^"kms:EncryptionContext:\$\{1:EncryptionContextKey\}"/);
    const algorithms = labels(await client.completion(uri, positionOf(POLICY, '"kms:EncryptionAlgorithm": ""', 28)));
    assert.deepEqual(algorithms.sort(), ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE', 'SYMMETRIC_DEFAULT']);
  });

  it('offers whole statements between statements, with the keyring account in the snippet', async () => {
    const items = await client.completion(uri, positionOf(POLICY, '    {\n      "Sid": "AllowUse"', 0));
    const snippet = items.find((i) => i.label === 'Allow use of the key');
    assert.equal(snippet?.insertTextFormat, 2);
    assert.match(String(snippet?.insertText), new RegExp(`arn:aws:iam::\\$\\{1:${ACCOUNT}\\}:role/`));
    assert.match(String(snippet?.insertText), /"kms:GenerateDataKey\*"/);
  });

  it('offers top-level elements and the Version value in a policy file', async () => {
    assert.deepEqual(labels(await client.completion(uri, positionOf(POLICY, '"Version"', 1))).sort(), ['Id', 'Statement', 'Version']);
    assert.deepEqual(labels(await client.completion(uri, positionOf(POLICY, '"2012-10-17"', 1))), ['2012-10-17']);
  });

  it('hovers actions, action wildcards, condition keys and operators', async () => {
    const decrypt = hoverText(await client.hover(uri, positionOf(POLICY, '"kms:Decrypt"', 5)));
    assert.match(decrypt, /\*\*kms:Decrypt\*\*/);
    assert.match(decrypt, /Cross-account: yes/);
    const star = hoverText(await client.hover(uri, positionOf(POLICY, '"kms:*"', 2)));
    assert.match(star, /matches 56 actions/);
    const via = hoverText(await client.hover(uri, positionOf(POLICY, '"kms:ViaService"', 4)));
    assert.match(via, /\*\*kms:ViaService\*\*/);
    const op = hoverText(await client.hover(uri, positionOf(POLICY, '"StringEquals"', 3)));
    assert.match(op, /String operator/);
  });

  it('hovers actions inside a YAML CloudFormation template', async () => {
    const text = hoverText(await client.hover(yamlUri, positionOf(TEMPLATE_YAML, 'kms:GenerateDataKey*', 5)));
    assert.match(text, /kms:GenerateDataKey\*\*\* matches 4 actions/);
  });

  it('completes inside a YAML CloudFormation key policy, quoting only where YAML needs it', async () => {
    const uri2 = 'file:///work/typing.yaml';
    const text = `Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Action: kms:Enc
            Resource: 
            Condition:
              StringEquals:
                kms:Via
          - Eff
`;
    await client.open(uri2, 'yaml', text);
    const keys = await client.completion(uri2, positionOf(text, '- Eff', 5));
    const effect = keys.find((i) => i.label === 'Effect');
    assert.ok(effect, `Effect in ${labels(keys)}`);
    assert.equal(edit(effect).newText, 'Effect: ');
    const actions = await client.completion(uri2, positionOf(text, 'kms:Enc', 7));
    const encrypt = actions.find((i) => i.label === 'kms:Encrypt');
    assert.deepEqual(edit(encrypt).range.start, positionOf(text, 'kms:Enc'));
    assert.equal(edit(encrypt).newText, 'kms:Encrypt');
    const resources = await client.completion(uri2, positionOf(text, 'Resource: ', 10));
    assert.equal(edit(resources.find((i) => i.label === '*')).newText, "'*'");
    const conditionKeys = labels(await client.completion(uri2, positionOf(text, 'kms:Via', 7)));
    assert.ok(conditionKeys.includes('kms:ViaService'));

    // A key typed above existing ones: YAML reads `Eff` + the next line as one key; only the typed line is replaced.
    const above = text.replace('- Action: kms:Enc', '- Eff\n            Action: kms:Enc');
    await client.change(uri2, [{ range: { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } }, text: above }]);
    const effectAbove = (await client.completion(uri2, positionOf(above, '- Eff', 5))).find((i) => i.label === 'Effect');
    const start = positionOf(above, 'Eff');
    assert.deepEqual(edit(effectAbove), { range: { start, end: { line: start.line, character: start.character + 3 } }, newText: 'Effect: ' });
  });

  it('lists statements by Sid as document symbols, under the logical ID in a template', async () => {
    const symbols = await client.symbols(uri);
    assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [['Enable IAM User Permissions', 'Allow kms:*'], ['AllowUse', 'Allow 2 actions']]);
    assert.deepEqual(symbols[1].selectionRange.start, positionOf(POLICY, '"AllowUse"'));
    const template = await client.symbols(yamlUri);
    assert.deepEqual(template.map((s) => [s.name, s.children?.map((c) => c.name)]), [['AppKey', ['Root', 'Use']]]);
  });

  it('offers no policy completion in JSON that is not a policy', async () => {
    const other = 'file:///work/package.json';
    const text = '{ "name": "x", "scripts": { "" : "" } }';
    await client.open(other, 'json', text);
    assert.deepEqual(await client.completion(other, positionOf(text, '"" :', 1)), []);
    assert.deepEqual(await client.symbols(other), []);
  });
});
