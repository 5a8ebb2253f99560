/** The language server's Terraform support when the HCL parser cannot be loaded: retried on the next check, reported once. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TerraformSupport } from '../../../server/terraform';
import { HCL_WASM, type HclWasmFile } from '../../../src-core/terraform/parser';
import { fixture } from '../policy/helpers';

test('a failed parser load is tried again on the next check and reported once', async () => {
  const errors: string[] = [];
  let failures = 2;
  let ready: () => void = () => undefined;
  const readied = () => new Promise<void>((resolve) => (ready = resolve));
  const support = new TerraformSupport({
    readWasm: async (file: HclWasmFile) => {
      if (failures > 0) {
        failures--;
        throw new Error('ENOENT: tree-sitter.wasm');
      }
      return readFile(createRequire(import.meta.url).resolve(HCL_WASM[file]));
    },
    readFile: () => undefined,
    isOpen: () => false,
    recheck: () => undefined,
    publish: () => undefined,
    onReady: () => ready(),
    onError: (message) => errors.push(message),
  });
  const doc = TextDocument.create('file:///m/main.tf', 'terraform', 1, fixture('terraform/main.tf'));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(support.findings(doc, {}), []);
  await settle();
  assert.deepEqual(support.findings(doc, {}), [], 'the second load fails too');
  await settle();
  assert.equal(errors.length, 1);
  assert.match(errors[0], /Terraform files are not checked: loading the HCL parser failed \(ENOENT: tree-sitter\.wasm\); it is tried again/);
  const loaded = readied();
  assert.deepEqual(support.findings(doc, {}), []);
  await loaded;
  assert.deepEqual(support.findings(doc, {}).map((f) => f.code), ['unknown-action', 'resource-not-star', 'wildcard-principal', 'unknown-condition-operator']);
  assert.equal(errors.length, 1);
});
