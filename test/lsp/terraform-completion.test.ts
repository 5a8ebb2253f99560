/** Completion in Terraform files over a real LSP connection: policy documents, jsonencode objects, heredoc JSON. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-protocol';
import { LspTestClient } from './client';

/** The text with its `|` removed, and the position of the `|`. */
function at(marked: string): { text: string; position: { line: number; character: number } } {
  const before = marked.slice(0, marked.indexOf('|')).split('\n');
  return { text: marked.replace('|', ''), position: { line: before.length - 1, character: before[before.length - 1].length } };
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const edit = (items: CompletionItem[], label: string) => items.find((i) => i.label === label)?.textEdit as TextEdit;

describe('completion in Terraform files', () => {
  let client: LspTestClient;
  let n = 0;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client.stop());

  async function complete(marked: string): Promise<CompletionItem[]> {
    const { text, position } = at(marked);
    const uri = `file:///work/module/complete${n++}.tf`;
    await client.open(uri, 'terraform', text);
    return client.completion(uri, position);
  }

  const document = (statement: string) => `data "aws_iam_policy_document" "key" {\n  statement {\n${statement}\n  }\n}\n\nresource "aws_kms_key" "main" {\n  policy = data.aws_iam_policy_document.key.json\n}\n`;

  it('offers actions in the actions of an aws_iam_policy_document statement, replacing the string typed', async () => {
    const items = await complete(document('    actions = [\n      "kms:Decrypt",\n      "kms:En|"\n    ]'));
    assert.ok(labels(items).includes('kms:Encrypt'));
    assert.deepEqual(edit(items, 'kms:Encrypt'), { range: { start: { line: 4, character: 6 }, end: { line: 4, character: 14 } }, newText: '"kms:Encrypt"' });
  });

  it('offers operators for test, condition keys for variable and the values a key takes', async () => {
    const tests = await complete(document('    condition {\n      test = "|"\n    }'));
    assert.ok(labels(tests).includes('StringEquals') && labels(tests).includes('ArnLike'));
    assert.ok(!labels(tests).includes('kms:Decrypt'));
    const variables = await complete(document('    condition {\n      test = "StringEquals"\n      variable = "kms:|"\n    }'));
    assert.ok(labels(variables).includes('kms:ViaService') && labels(variables).includes('kms:CallerAccount'));
    const values = await complete(document('    condition {\n      test = "StringEquals"\n      variable = "kms:EncryptionAlgorithm"\n      values = ["|"]\n    }'));
    assert.ok(labels(values).includes('SYMMETRIC_DEFAULT'));
  });

  it('offers principal types in principals blocks', async () => {
    const items = await complete(document('    principals {\n      type = "|"\n      identifiers = ["*"]\n    }'));
    assert.deepEqual(labels(items).sort(), ['AWS', 'CanonicalUser', 'Federated', 'Service']);
  });

  it('completes inside a jsonencode policy: actions, principal types, operators and condition keys with HCL syntax', async () => {
    const policy = (inner: string) => `resource "aws_kms_key" "main" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{\n      Effect = "Allow"\n${inner}\n    }]\n  })\n}\n`;
    assert.ok(labels(await complete(policy('      Action = ["kms:Encrypt", "kms:|"]'))).includes('kms:GenerateDataKey'));
    assert.ok(labels(await complete(policy('      Principal = { "|" = "*" }'))).includes('Service'));
    const operators = await complete(policy('      Condition = {\n        "|"\n      }'));
    assert.equal(edit(operators, 'StringEquals').newText, '"StringEquals" = ');
    const keys = await complete(policy('      Condition = {\n        StringEquals = { "kms:|" = "x" }\n      }'));
    assert.equal(edit(keys, 'kms:CallerAccount').newText, '"kms:CallerAccount"');
  });

  it('completes inside heredoc JSON with JSON syntax', async () => {
    const policy = (inner: string) => `resource "aws_kms_key" "main" {\n  policy = <<-EOF\n  {\n    "Statement": [{\n${inner}\n    }]\n  }\n  EOF\n}\n`;
    assert.ok(labels(await complete(policy('      "Action": ["kms:|"]'))).includes('kms:Decrypt'));
    const keys = await complete(policy('      "Condition": { "StringEquals": { "|" } }'));
    assert.equal(edit(keys, 'kms:ViaService').newText, '"kms:ViaService": ');
  });

  it('completes a bare word begun without its quotes, replacing the word with the quoted string', async () => {
    const inDocument = await complete(document('    actions = ["kms:Decrypt", kms:Enc|]'));
    assert.ok(labels(inDocument).includes('kms:Encrypt'));
    assert.deepEqual(edit(inDocument, 'kms:Encrypt'), { range: { start: { line: 2, character: 30 }, end: { line: 2, character: 37 } }, newText: '"kms:Encrypt"' });
    const test = await complete(document('    condition {\n      test = Str|\n      variable = "kms:ViaService"\n    }'));
    assert.deepEqual(edit(test, 'StringEquals'), { range: { start: { line: 3, character: 13 }, end: { line: 3, character: 16 } }, newText: '"StringEquals"' });
    const policy = (inner: string) => `resource "aws_kms_key" "main" {\n  policy = jsonencode({\n    Statement = [{\n${inner}\n    }]\n  })\n}\n`;
    // The cursor inside the word: the whole word is replaced.
    const action = await complete(policy('      Action = kms:Gen|erate'));
    assert.deepEqual(edit(action, 'kms:GenerateDataKey').range, { start: { line: 3, character: 15 }, end: { line: 3, character: 27 } });
    const key = await complete(policy('      Eff|'));
    assert.equal(edit(key, 'Effect').newText, '"Effect" = ');
  });

  it('leaves references, comments and words inside strings alone', async () => {
    const policy = (inner: string) => `resource "aws_kms_key" "main" {\n  policy = jsonencode({\n    Statement = [{\n${inner}\n    }]\n  })\n}\n`;
    assert.deepEqual(await complete(policy('      Principal = { AWS = aws_iam_role.app.ar| }')), []);
    assert.deepEqual(await complete(policy('      Action = var.act|')), []);
    assert.deepEqual(await complete(policy('      # Action = kms:Enc|')), []);
  });

  it('offers nothing outside key policies and policy documents', async () => {
    assert.deepEqual(await complete('resource "aws_s3_bucket" "b" {\n  tags = { "|" = "x" }\n}\n'), []);
    assert.deepEqual(await complete('resource "aws_kms_key" "main" {\n  description = "|"\n}\n'), []);
  });
});
