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
