/** Terraform files over a real LSP connection: findings at HCL ranges (as kmsw lint prints them), quick fixes, hover. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintRecords } from '../../src-node/cli/commands/lint';
import { loadHclParser } from '../../src-node/terraform/hcl-parser';
import { hoverText, LspTestClient, positionOf } from './client';

const MAIN_TF = readFileSync(join(import.meta.dirname, '..', 'unit', 'policy', 'fixtures', 'terraform', 'main.tf'), 'utf8');

describe('language server on Terraform', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(() => client.stop());

  /** The first check of a .tf file starts loading the parser; its findings come with the check that follows. */
  async function openTerraform(uri: string, text: string): Promise<Diagnostic[]> {
    const first = await client.open(uri, 'terraform', text);
    return first.length ? first : (await client.nextDiagnostics(uri)).diagnostics;
  }

  it('shows the same findings at the same places as kmsw lint', async () => {
    const uri = 'file:///work/module/main.tf';
    const diagnostics = await openTerraform(uri, MAIN_TF);
    const records = lintRecords('main.tf', MAIN_TF, {}, await loadHclParser());
    assert.deepEqual(
      diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`),
      records.map((r) => `${r.code}@${r.line}:${r.column}-${r.endLine}:${r.endColumn}`),
    );
    assert.deepEqual(diagnostics.map((d) => d.code), ['unknown-action', 'resource-not-star', 'wildcard-principal', 'unknown-condition-operator']);
  });

  it('offers quick fixes that are HCL edits', async () => {
    const uri = 'file:///work/module/fix.tf';
    const diagnostics = await openTerraform(uri, MAIN_TF);
    const typo = diagnostics.find((d) => d.code === 'unknown-condition-operator')!;
    const [action] = await client.codeActions(uri, typo.range, [typo]);
    assert.equal(action.title, 'Use StringEquals');
    assert.deepEqual(action.edit?.changes?.[uri], [{ range: typo.range, newText: '"StringEquals"' }]);
  });

  it('hovers actions and condition keys inside jsonencode and policy documents', async () => {
    const uri = 'file:///work/module/hover.tf';
    await openTerraform(uri, MAIN_TF);
    assert.match(hoverText(await client.hover(uri, positionOf(MAIN_TF, '"kms:Decrypt", "kms:Encrypted"', 3))), /Decrypt/);
    assert.match(hoverText(await client.hover(uri, positionOf(MAIN_TF, '"kms:ViaService"', 3))), /ViaService/);
  });

  it('applies every quick fix as an HCL edit that leaves a module without the finding it fixed', async () => {
    const uri = 'file:///work/module/fixall.tf';
    const diagnostics = await openTerraform(uri, MAIN_TF);
    const doc = TextDocument.create(uri, 'terraform', 1, MAIN_TF);
    const edits: TextEdit[] = [];
    for (const d of diagnostics) edits.push(...((await client.codeActions(uri, d.range, [d]))[0]?.edit?.changes?.[uri] ?? []));
    // unknown-action (jsonencode), resource-not-star (heredoc JSON), unknown-condition-operator (policy document)
    assert.equal(edits.length, 3);
    const fixed = TextDocument.applyEdits(doc, edits);
    assert.deepEqual(lintRecords('fixall.tf', fixed, {}, await loadHclParser()).map((r) => r.code), ['wildcard-principal']);
  });

  it('hovers actions inside heredoc JSON', async () => {
    const uri = 'file:///work/module/hover-heredoc.tf';
    await openTerraform(uri, MAIN_TF);
    assert.match(hoverText(await client.hover(uri, positionOf(MAIN_TF, '"kms:Encrypt*"', 3))), /Encrypt/);
  });

  it('checks .tf.json files and .json.tpl policy templates as kmsw lint does', async () => {
    for (const name of ['main.tf.json', 'policy.json.tpl']) {
      const text = readFileSync(join(import.meta.dirname, '..', 'unit', 'policy', 'fixtures', 'terraform', name), 'utf8');
      const diagnostics = await client.open(`file:///work/module/${name}`, 'json', text);
      assert.deepEqual(
        diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`),
        lintRecords(name, text).map((r) => `${r.code}@${r.line}:${r.column}`),
      );
      assert.equal(diagnostics.length, 2);
    }
  });

  it('checks the key policy a templatefile() or file() names in its own file; a missing one is a finding at its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmsw-tf-'));
    try {
      cpSync(join(import.meta.dirname, '..', 'unit', 'policy', 'fixtures', 'terraform', 'templated'), dir, { recursive: true });
      const uri = (name: string) => pathToFileURL(join(dir, name)).href;
      const text = readFileSync(join(dir, 'main.tf'), 'utf8');
      const template = client.nextDiagnostics(uri('policies/key.json.tpl'));
      const signing = client.nextDiagnostics(uri('signing.json'));
      const diagnostics = await openTerraform(uri('main.tf'), text);
      const where = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
      assert.deepEqual(where(diagnostics), ['policy-file-missing@22:25']);
      assert.deepEqual(where((await template).diagnostics), ['unknown-action@27:33', 'unknown-condition-operator@29:22']);
      assert.deepEqual(where((await signing).diagnostics), ['unknown-action@15:30']);
      // Opened (whatever its language), the file is checked as the key policy main.tf reads, with the same findings.
      const opened = await client.open(uri('signing.json'), 'plaintext', readFileSync(join(dir, 'signing.json'), 'utf8'));
      assert.deepEqual(where(opened), ['unknown-action@15:30']);
      assert.deepEqual(client.loggedErrors, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a module without KMS keys alone', async () => {
    const diagnostics = await client.open('file:///work/module/other.tf', 'terraform', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(client.loggedErrors, []);
  });
});
