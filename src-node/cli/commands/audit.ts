/**
 * `kmsw audit list|verify|export`: the hash-chained audit log of the local keyring, read without
 * the root key (the log holds no secrets), so it can be checked even when the keyring cannot be opened.
 */
import { writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { CloudTrailEvent } from '../../../src-core/audit/event';
import { toCloudTrailJson, toCsv } from '../../../src-core/audit/export';
import { keyReferences, type AuditFilter } from '../../../src-core/audit/query';
import { existsSync, statSync } from 'node:fs';
import { chainKey, type AuditHead } from '../../../src-core/audit/chain';
import { openFileAuditSink } from '../../audit/file-audit-sink';
import { openKeyringStore } from '../../store/keyring-store';
import { loadOrCreateRootKey, ROOT_KEY_FILE } from '../../store/root-key';
import { dataDirOf, parseArgs, type OptionSpec, type ParsedArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';

const FILTER_HELP = `  --key K             Calls on a key: key ID, key ARN or the alias the call named
  --operation OP      Calls of an operation, e.g. Encrypt (repeatable)
  --principal ARN     Calls by a principal ARN or access key ID
  --since TIME        Calls at or after an ISO 8601 time (2026-01-31 or 2026-01-31T12:00:00Z)
  --until TIME        Calls before an ISO 8601 time
  --errors            Failed calls only`;

const HELP = `Usage: kmsw audit list [filters] [--json] [--data DIR]
       kmsw audit verify [--all] [--data DIR]
       kmsw audit export [filters] [--format json|csv] [-o FILE] [--data DIR]
       kmsw audit segments [--data DIR]
       kmsw audit prune --before TIME (--export DIR | --discard) [--data DIR]

The audit log records every call to the local KMS as a CloudTrail event, in a chain keyed with the
root key and anchored in the keyring, so that an edited, removed, inserted or reordered entry, or a
log cut short, is detected. Every 10,000 entries the log is sealed into a segment (audit-log/ in the
keyring folder) with a digest file chaining the digests before it, as CloudTrail delivers log files.
verify and prune use the root key (KMSW_ROOT_KEY or root.key) when it is there.

  list      Prints the calls, oldest first (--json: a JSON array of CloudTrail events).
  verify    Checks the newest segment and the digests of the sealed ones; --all reads every sealed
            entry too. Exit status 1, with the first bad entry, when the chain is broken.
  export    Writes the calls as CloudTrail JSON ({"Records": [...]}) or CSV, to stdout or -o FILE.
  segments  Lists the sealed segments (entries, event times, size) and the active one.
  prune     Removes the oldest sealed segments whose calls are all before TIME, after checking them
            against their digests and copying them with their digests to --export DIR (an exported
            segment's SHA-256 is its digest's hashValue), or --discard. The digests stay, so the
            chain still verifies from the first entry.

Filters (list and export; all given must match):
${FILTER_HELP}

Options:
  --format json|csv   Export format (default json)
  -o, --output FILE   Export to a file instead of stdout
  --data DIR          Keyring folder (default: $KMSW_DATA_DIR, else ~/.kms-workbench)`;

function timeOf(parsed: ParsedArgs, name: string): number | undefined {
  const text = parsed.value(name);
  if (text === undefined) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(time)) throw new UsageError(`${name} takes an ISO 8601 time such as 2026-01-31 or 2026-01-31T12:00:00Z, not "${text}"`);
  return time;
}

function filterOf(parsed: ParsedArgs): AuditFilter {
  const operations = parsed.values('--operation');
  return {
    key: parsed.value('--key'),
    principal: parsed.value('--principal'),
    since: timeOf(parsed, '--since'),
    until: timeOf(parsed, '--until'),
    operations: operations.length ? operations : undefined,
    errorsOnly: parsed.has('--errors') || undefined,
  };
}

/** The longest KMS operation name (GenerateDataKeyPairWithoutPlaintext) and a key ID (a UUID or mrk- ID). */
const OPERATION_WIDTH = 35;
const KEY_WIDTH = 36;

/** One aligned line per event; the principal, the one long free-form field, comes last. */
function eventLines(events: CloudTrailEvent[]): string {
  const resultWidth = Math.max(6, ...events.map((e) => (e.errorCode ?? 'OK').length));
  const line = (time: string, operation: string, key: string, result: string, principal: string) =>
    `${time.padEnd(20)}  ${operation.padEnd(OPERATION_WIDTH)}  ${key.padEnd(KEY_WIDTH)}  ${result.padEnd(resultWidth)}  ${principal}`;
  return [line('TIME', 'OPERATION', 'KEY', 'RESULT', 'PRINCIPAL'), ...events.map((e) => line(e.eventTime, e.eventName, keyReferences(e)[0] ?? '-', e.errorCode ?? 'OK', e.userIdentity.arn))].join('\n');
}

async function list(parsed: ParsedArgs, io: CliIo): Promise<number> {
  const sink = await openFileAuditSink({ dir: dataDirOf(parsed, io) });
  const events = await sink.read(filterOf(parsed));
  if (parsed.has('--json')) {
    io.stdout(`${JSON.stringify(events, null, 2)}\n`);
    return 0;
  }
  if (events.length === 0) {
    io.stdout(`No audit events match (log: ${sink.path}).\n`);
    return 0;
  }
  io.stdout(`${eventLines(events)}\n`);
  return 0;
}

/**
 * The root key's chain key and the keyring's anchor, when the root key is at hand (KMSW_ROOT_KEY or
 * root.key): with them verification checks every keyed entry's HMAC and that the log still reaches
 * the entry the keyring recorded. A folder without a root key is checked without them, and says so.
 */
async function chainTrust(dir: string, io: CliIo): Promise<{ key?: Uint8Array; anchor?: AuditHead; missing?: string }> {
  if (io.env.KMSW_ROOT_KEY === undefined && !existsSync(join(dir, ROOT_KEY_FILE))) return { missing: `no root key (${join(dir, ROOT_KEY_FILE)} or KMSW_ROOT_KEY)` };
  const rootKey = await loadOrCreateRootKey({ dir, env: io.env });
  const store = await openKeyringStore({ dir, rootKey });
  try {
    return { key: chainKey(rootKey), anchor: (await store.read()).auditAnchor };
  } finally {
    await store.close();
  }
}

async function verify(parsed: ParsedArgs, io: CliIo): Promise<number> {
  const dir = dataDirOf(parsed, io);
  const trust = await chainTrust(dir, io);
  const sink = await openFileAuditSink({ dir, chainKey: trust.key });
  const verdict = parsed.has('--all') ? await sink.verifyAll(trust.anchor) : await sink.verify(trust.anchor);
  // A damaged end (a writer killed mid-line, a full disk, a stray byte) was moved aside so later calls stay audited: say where.
  for (const aside of sink.setAsideFiles()) {
    const after = /damaged-after-(\d+)-/.exec(aside)?.[1];
    io.stdout(`Bytes that were not a whole entry were found after entry ${after} and set aside in ${aside}; the log continues from that entry.\n`);
  }
  if (verdict.ok) {
    const sealed = verdict.sealed;
    if (!sealed) io.stdout(`The audit log is intact: ${verdict.count} entries (${sink.path}).\n`);
    else if (sealed.walked) io.stdout(`The audit log is intact: ${sealed.entries + verdict.count} entries (${sink.dir}).\n`);
    else io.stdout(`The newest segment of the audit log is intact: ${verdict.count} entries after entry ${sealed.entries} (${sink.path}).\n`);
    for (const note of verdict.notes ?? []) io.stdout(`  ${note}.\n`);
    if (trust.missing) io.stdout(`  Checked without the root key (${trust.missing}): keyed entries only for their order, and a cut below the keyring's anchor is not detected.\n`);
    return 0;
  }
  io.stderr(`The audit log is broken at entry ${verdict.index + 1}: ${verdict.reason}.\n`);
  if (verdict.entry !== undefined) io.stderr(`First bad entry:\n${typeof verdict.entry === 'string' ? verdict.entry : JSON.stringify(verdict.entry, null, 2)}\n`);
  return 1;
}

async function exportEvents(parsed: ParsedArgs, io: CliIo): Promise<number> {
  const format = parsed.value('--format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new UsageError(`--format must be json or csv, not "${format}"`);
  const sink = await openFileAuditSink({ dir: dataDirOf(parsed, io) });
  const events = await sink.read(filterOf(parsed));
  const text = format === 'csv' ? toCsv(events) : toCloudTrailJson(events);
  const output = parsed.value('--output') ?? parsed.value('-o');
  if (output === undefined) {
    io.stdout(text);
    return 0;
  }
  const path = isAbsolute(output) ? output : resolve(io.cwd, output);
  await writeFile(path, text);
  io.stdout(`Wrote ${events.length} events to ${path}.\n`);
  return 0;
}

async function segments(parsed: ParsedArgs, io: CliIo): Promise<number> {
  const sink = await openFileAuditSink({ dir: dataDirOf(parsed, io) });
  const rows = sink.segments().map(({ digest, path, present }) => {
    const size = present ? `${(statSync(path).size / 1e6).toFixed(1)} MB` : '-';
    return [String(digest.firstSeq), String(digest.lastSeq), digest.oldestEventTime, digest.newestEventTime, size, present ? 'sealed' : 'pruned'];
  });
  const newest = await sink.readNewest(1);
  const sealedThrough = Number(rows.at(-1)?.[1] ?? 0);
  if (newest.total > sealedThrough) {
    const size = existsSync(sink.path) ? `${(statSync(sink.path).size / 1e6).toFixed(1)} MB` : '-';
    rows.push([String(sealedThrough + 1), String(newest.total), '', newest.events.at(-1)?.eventTime ?? '', size, 'active']);
  }
  if (!rows.length) {
    io.stdout(`The audit log is empty (${sink.path}).\n`);
    return 0;
  }
  const header = ['FIRST', 'LAST', 'OLDEST', 'NEWEST', 'SIZE', 'STATE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  io.stdout(`${[header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n')}\n`);
  return 0;
}

async function prune(parsed: ParsedArgs, io: CliIo): Promise<number> {
  const before = timeOf(parsed, '--before');
  if (before === undefined) throw new UsageError('name the time with --before: segments whose calls are all before it are pruned');
  const exportTo = parsed.value('--export');
  if ((exportTo === undefined) === !parsed.has('--discard')) throw new UsageError('give --export DIR to keep a copy of the pruned segments, or --discard to drop them (not both)');
  const dir = dataDirOf(parsed, io);
  const trust = await chainTrust(dir, io);
  const sink = await openFileAuditSink({ dir, chainKey: trust.key });
  const exportDir = exportTo === undefined ? undefined : isAbsolute(exportTo) ? exportTo : resolve(io.cwd, exportTo);
  const result = await sink.prune({ before, exportDir });
  if (!result.segments.length) {
    io.stdout('No sealed segment holds only calls before that time: nothing was pruned.\n');
    return 0;
  }
  const first = result.segments[0].digest.firstSeq;
  const last = result.segments[result.segments.length - 1].digest.lastSeq;
  io.stdout(`Pruned ${result.segments.length} segment${result.segments.length === 1 ? '' : 's'}, entries ${first}–${last}${exportDir ? `, after copying them with their digests to ${exportDir}` : ''}. Their digests stay in the log.\n`);
  return 0;
}

const FILTER_VALUES = ['--data', '--key', '--principal', '--since', '--until'];
const FILTER_OPTIONS: OptionSpec = { values: FILTER_VALUES, repeatable: ['--operation'], switches: ['--errors'] };

const SUBCOMMANDS: Record<string, { options: OptionSpec; run: (parsed: ParsedArgs, io: CliIo) => Promise<number> }> = {
  list: { options: { ...FILTER_OPTIONS, switches: ['--errors', '--json'] }, run: list },
  verify: { options: { values: ['--data'], switches: ['--all'] }, run: verify },
  segments: { options: { values: ['--data'] }, run: segments },
  prune: { options: { values: ['--data', '--before', '--export'], switches: ['--discard'] }, run: prune },
  export: { options: { ...FILTER_OPTIONS, values: [...FILTER_VALUES, '--format', '--output', '-o'] }, run: exportEvents },
};

async function run(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || !Object.hasOwn(SUBCOMMANDS, name)) {
    throw new UsageError(name === undefined ? 'name what to do: list, verify, export, segments or prune' : `unknown subcommand "${name}"; use list, verify, export, segments or prune`);
  }
  const subcommand = SUBCOMMANDS[name];
  const parsed = parseArgs(rest, subcommand.options);
  if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
  return subcommand.run(parsed, io);
}

export const auditCommand: CliCommand = { name: 'audit', summary: 'List, verify, export or prune the audit log of the local keyring', help: HELP, run };
