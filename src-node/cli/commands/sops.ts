/**
 * `kmsw sops decrypt|encrypt|rotate`: SOPS files (YAML, JSON, dotenv, INI, binary) read and written
 * natively, with their data keys under KMS (the local keyring, `kmsw serve`, or AWS), with no sops
 * binary. The files are those the real sops reads and writes.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { decryptSops, encryptSops, formatForPath, rotateSops, type EncryptionPlan, type SopsEnvironment } from '../../../src-core/sops/document';
import { planFromConfig, SOPS_CONFIG_NAME } from '../../../src-core/sops/config';
import type { SopsFormat } from '../../../src-core/sops/store';
import { nodeRandom } from '../../host';
import { writeFileAtomic } from '../../store/atomic-write';
import { absolute, CONNECTION_HELP, CONNECTION_OPTIONS, connectionFor, contextOf } from '../../files/file-commands';
import { parseArgs, type ParsedArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';

const FORMATS: SopsFormat[] = ['yaml', 'json', 'dotenv', 'ini', 'binary'];

const HELP = `Usage: kmsw sops decrypt FILE [-o OUT] [--ignore-mac]
       kmsw sops encrypt FILE [--kms ARN]... [--context k=v]... [-o OUT]
       kmsw sops rotate FILE [-o OUT]

Reads and writes SOPS files natively: the sops binary is not needed, and the output is what sops
reads. Values are AES-256-GCM under a data key that KMS protects (Encrypt/Decrypt with the key ARN
and the entry's encryption context, as sops does).

  decrypt   Prints the plaintext (or writes it to -o OUT). The MAC is checked: a file whose values,
            comments or MAC were changed is refused.
  encrypt   Encrypts a plaintext file, printing the result (or writing -o OUT). The keys are the
            --kms ARNs, else those of the first creation rule of the nearest ${SOPS_CONFIG_NAME} whose
            path_regex matches (with its key_groups, shamir_threshold and regex/suffix options).
  rotate    A new data key for the same KMS keys; every value is encrypted again. Writes the file in
            place (or -o OUT).

Options:
  --kms ARN           KMS key ARN for encrypt (repeatable; all in one key group)
  --context k=v       Encryption context of the --kms keys (repeatable)
  --format F          ${FORMATS.join(', ')} (default: from the file name, as sops does)
  --ignore-mac        Decrypt a file whose MAC is missing or wrong (as sops --ignore-mac)
  -o OUT              Output file (written atomically, mode 0600)
${CONNECTION_HELP}`;

function formatOf(parsed: ParsedArgs, path: string): SopsFormat {
  const format = parsed.value('--format');
  if (format === undefined) return formatForPath(path);
  if (!FORMATS.includes(format as SopsFormat)) throw new UsageError(`--format takes ${FORMATS.join(', ')}, not "${format}"`);
  return format as SopsFormat;
}

/** The nearest `.sops.yaml` from the file's folder upwards, as sops looks for it. */
async function nearestConfig(file: string): Promise<{ path: string; text: string } | undefined> {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const path = join(dir, SOPS_CONFIG_NAME);
    try {
      return { path, text: await readFile(path, 'utf8') };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

async function planFor(parsed: ParsedArgs, input: string): Promise<EncryptionPlan> {
  const arns = parsed.values('--kms').flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  const context = contextOf(parsed);
  if (arns.length) return { keyGroups: [arns.map((arn) => ({ arn, ...(Object.keys(context).length ? { context } : {}) }))] };
  const config = await nearestConfig(input);
  const plan = config && planFromConfig(config.text, relative(dirname(config.path), input));
  if (!plan?.keyGroups.length) throw new UsageError(`no KMS key: pass --kms ARN, or add a creation rule with kms keys for this file to ${SOPS_CONFIG_NAME}`);
  return plan;
}

async function output(parsed: ParsedArgs, io: CliIo, text: string, fallback?: string): Promise<void> {
  const out = parsed.value('-o') ?? fallback;
  if (out === undefined) io.stdout(text);
  else await writeFileAtomic(absolute(out, io), Buffer.from(text, 'utf8'));
}

async function run(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (!['decrypt', 'encrypt', 'rotate'].includes(verb)) throw new UsageError(verb ? `unknown sops command "${verb}"` : 'decrypt, encrypt or rotate expected');
  const parsed = parseArgs(rest, { values: ['-o', '--format', ...CONNECTION_OPTIONS], repeatable: ['--kms', '--context'], switches: ['--ignore-mac'] });
  if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length ? `one file expected, got ${parsed.positionals.length}` : 'the file is missing');
  if (verb !== 'encrypt' && (parsed.has('--kms') || parsed.has('--context'))) throw new UsageError('--kms and --context are for encrypt');
  const input = absolute(parsed.positionals[0], io);
  const format = formatOf(parsed, input);
  const text = await readFile(input, 'utf8');
  // Plans and usage errors before connecting, so a mistake costs no KMS call.
  const plan = verb === 'encrypt' ? await planFor(parsed, input) : undefined;
  const connection = await connectionFor(parsed, io);
  try {
    const env: SopsEnvironment = { kms: connection.kms, random: nodeRandom, clock: { now: () => Date.now() } };
    const options = { ignoreMac: parsed.has('--ignore-mac') };
    if (verb === 'decrypt') await output(parsed, io, (await decryptSops(text, format, env, options)).plaintext);
    else if (verb === 'encrypt') await output(parsed, io, await encryptSops(text, format, plan!, env));
    else {
      await output(parsed, io, await rotateSops(text, format, env, options), input);
      io.stderr(`rotated the data key of ${input}\n`);
    }
    return 0;
  } finally {
    await connection.close();
  }
}

export const sopsCommand: CliCommand = { name: 'sops', summary: 'Decrypt, encrypt or rotate SOPS files (no sops binary needed)', help: HELP, run };
