/** CloudFormation intrinsics in key policies: both branches of Fn::If are checked; intrinsics compare by source text. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintDocument } from '../../../src-core/policy/lint';

const template = (statements: string) => `Resources:
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
${statements}`;

test('both branches of a YAML !If are checked', () => {
  const text = template(`          - !If
            - Public
            - Sid: Open
              Effect: Allow
              Principal: { AWS: '*' }
              Action: kms:Decrypt
              Resource: '*'
            - !Ref AWS::NoValue
          - !If
            - Other
            - Sid: Typo
              Effect: Allow
              Principal: { AWS: !GetAtt Role.Arn }
              Action: kms:Decrypted
              Resource: '*'
            - Sid: Typo
              Effect: Allow
              Principal: { AWS: !GetAtt Role.Arn }
              Action: kms:Decrypt
              Resource: arn:aws:kms:*:*:key/*
`);
  const codes = lintDocument(text, 'yaml').map((f) => f.code);
  assert.deepEqual(codes, ['wildcard-principal', 'unknown-action', 'resource-not-star']);
});

test('a long-form Fn::If in a JSON template is checked too', () => {
  const text = JSON.stringify({ Resources: { K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' },
    { 'Fn::If': ['C', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/A' }, Action: 'kms:Decrypt', Resource: 'x' }, { Ref: 'AWS::NoValue' }] },
  ] } } } } });
  assert.deepEqual(lintDocument(text, 'json').map((f) => f.code), ['resource-not-star']);
});

test('statements that differ only in an intrinsic are not duplicates', () => {
  const text = template(`          - Effect: Allow
            Principal: { AWS: !GetAtt AppRole.Arn }
            Action: kms:Decrypt
            Resource: '*'
          - Effect: Allow
            Principal: { AWS: !GetAtt OtherRole.Arn }
            Action: kms:Decrypt
            Resource: '*'
          - Effect: Allow
            Principal: { AWS: !GetAtt OtherRole.Arn }
            Action: kms:Decrypt
            Resource: '*'
`);
  const findings = lintDocument(text, 'yaml');
  assert.deepEqual(findings.map((f) => f.code), ['duplicate-statement']);
  assert.match(text.slice(findings[0].offset), /^Effect: Allow\n {12}Principal: \{ AWS: !GetAtt OtherRole\.Arn \}\n {12}Action: kms:Decrypt\n {12}Resource: '\*'\n$/);
});

test('the literal parts of Fn::Sub and Fn::Join principals are checked: account IDs, user/root, wildcards, groups', () => {
  const text = template(`          - Sid: Admins
            Effect: Allow
            Principal:
              AWS:
                - !Sub 'arn:aws:iam::\${AWS::AccountId}:user/root'
                - !Sub 'arn:\${AWS::Partition}:iam::12345678:role/Admin'
                - !Sub 'arn:aws:iam::*:role/\${RoleName}'
                - !Join [':', ['arn:aws:iam:', !Ref Account, 'group/Ops']]
                - !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/\${RoleName}'
                - !Join ['', ['arn:aws:iam::', !Ref AWS::AccountId, ':root']]
                - !Sub '\${TrustedAccount}'
            Action: kms:Decrypt
            Resource: '*'
`);
  const findings = lintDocument(text, 'yaml');
  assert.deepEqual(findings.map((f) => `${f.code}@${text.slice(f.offset, f.offset + f.length)}`), [
    "invalid-principal@!Sub 'arn:aws:iam::${AWS::AccountId}:user/root'",
    "invalid-principal@!Sub 'arn:${AWS::Partition}:iam::12345678:role/Admin'",
    "invalid-principal@!Sub 'arn:aws:iam::*:role/${RoleName}'",
    "invalid-principal@!Join [':', ['arn:aws:iam:', !Ref Account, 'group/Ops']]",
  ]);
  assert.match(findings[0].message, /names an IAM user called "root".*"arn:aws:iam::\$\{AWS::AccountId\}:root"/);
  assert.match(findings[2].message, /wildcards are not allowed/);
  // The quick fix edits the intrinsic's own text.
  const [edit] = findings[0].fix!.edits;
  const fixed = text.slice(0, edit.offset) + edit.newText + text.slice(edit.offset + edit.length);
  assert.match(fixed, /!Sub 'arn:aws:iam::\$\{AWS::AccountId\}:root'/);
  assert.ok(!lintDocument(fixed, 'yaml').some((f) => f.message.includes('user called "root"')));
});

test('a wildcard in the literal part of an Fn::Sub/Fn::Join compared with StringEquals is reported; StringLike is quiet', () => {
  const statement = (operator: string) => JSON.stringify({ Resources: { K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' },
    { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { [operator]: {
      'aws:PrincipalArn': { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/app-*' },
      'kms:CallerAccount': { 'Fn::Join': ['', [{ Ref: 'AWS::AccountId' }]] },
      'kms:ViaService': [{ 'Fn::Join': ['.', ['s3', { Ref: 'AWS::Region' }, 'amazonaws.com']] }, { 'Fn::Sub': '${Service}.*.amazonaws.com' }],
    } } },
  ] } } } } });
  const text = statement('StringEquals');
  assert.deepEqual(lintDocument(text, 'json').map((f) => `${f.code}@${text.slice(f.offset, f.offset + f.length)}`), [
    'wildcard-without-like@{"Fn::Sub":"arn:aws:iam::${AWS::AccountId}:role/app-*"}',
    'wildcard-without-like@{"Fn::Sub":"${Service}.*.amazonaws.com"}',
  ]);
  assert.deepEqual(lintDocument(statement('StringLike'), 'json'), []);
});
