#!/usr/bin/env node
// Generates src-core/kms/model/kms-model.json from botocore's KMS service model (Apache-2.0),
// keeping only what validation and the wire codec need: operations, shapes, constraints.
// Usage: node scripts/gen-kms-model.mjs [--check] [path/to/service-2.json[.gz]]
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

function findBotocoreModel() {
  const dir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))']).toString().trim();
  return path.join(dir, 'data/kms/2014-11-01/service-2.json.gz');
}

const args = process.argv.slice(2);
const check = args[0] === '--check';
const source = (check ? args[1] : args[0]) ?? findBotocoreModel();
const raw = readFileSync(source);
const model = JSON.parse((source.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
const keep = ['type', 'required', 'members', 'member', 'key', 'value', 'min', 'max', 'pattern', 'enum', 'sensitive', 'exception', 'error', 'fault'];
const shapes = {};
for (const [name, shape] of Object.entries(model.shapes)) {
  const out = {};
  for (const k of keep) if (shape[k] !== undefined) out[k] = shape[k];
  if (out.members) {
    out.members = Object.fromEntries(Object.entries(out.members).map(([m, v]) => [m, { shape: v.shape }]));
  }
  if (out.member) out.member = { shape: out.member.shape };
  if (out.key) out.key = { shape: out.key.shape };
  if (out.value) out.value = { shape: out.value.shape };
  shapes[name] = out;
}
const operations = {};
for (const [name, op] of Object.entries(model.operations)) {
  operations[name] = { input: op.input?.shape, output: op.output?.shape, errors: (op.errors ?? []).map((e) => e.shape) };
}
const out = {
  source: `botocore ${path.basename(path.dirname(source))} KMS model`,
  metadata: { apiVersion: model.metadata.apiVersion, targetPrefix: model.metadata.targetPrefix },
  operations,
  shapes,
};
const target = new URL('../src-core/kms/model/kms-model.json', import.meta.url);
const text = JSON.stringify(out, null, 1) + '\n';
if (check) {
  // Drift guard: a newer botocore with a new operation, member or enum value fails until handled.
  if (readFileSync(target, 'utf8') !== text) {
    console.error(`src-core/kms/model/kms-model.json differs from ${source}; run npm run gen:model and handle the change`);
    process.exit(1);
  }
  console.log('KMS model matches botocore');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${Object.keys(operations).length} operations, ${Object.keys(shapes).length} shapes`);
}
