/**
 * Option parsing shared by the keyring commands of `kmsw`: declared flags only (anything else is a
 * usage error that says what to do), `--name value` and `--name=value`, repeatable options, and the
 * data folder every keyring command resolves the same way.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from '../../src-core/ids/identifiers';
import type { CliIo } from './command';
import { UsageError } from './command';

export interface OptionSpec {
  /** Options that take a value, e.g. `--port`. */
  values?: string[];
  /** Options that may be given several times, e.g. `--tag`. */
  repeatable?: string[];
  /** Options without a value, e.g. `--json`. */
  switches?: string[];
}

export interface ParsedArgs {
  positionals: string[];
  /** The last value given for an option. */
  value(name: string): string | undefined;
  /** Every value given for a repeatable option, in order. */
  values(name: string): string[];
  has(name: string): boolean;
}

export function parseArgs(args: string[], spec: OptionSpec): ParsedArgs {
  const takesValue = new Set([...(spec.values ?? []), ...(spec.repeatable ?? [])]);
  const switches = new Set(spec.switches ?? []);
  const given = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (switches.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      given.set(name, []);
    } else if (takesValue.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      given.set(name, [...(given.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  return {
    positionals,
    value: (name) => given.get(name)?.at(-1),
    values: (name) => given.get(name) ?? [],
    has: (name) => given.has(name),
  };
}

/** The keyring folder: `--data DIR`, else `KMSW_DATA_DIR`, else ~/.kms-workbench. */
export function dataDirOf(parsed: ParsedArgs, io: CliIo): string {
  const dir = parsed.value('--data') ?? io.env.KMSW_DATA_DIR ?? join(homedir(), '.kms-workbench');
  return isAbsolute(dir) ? dir : resolve(io.cwd, dir);
}

export function accountIdOf(parsed: ParsedArgs): string | undefined {
  const id = parsed.value('--account-id');
  if (id !== undefined && !ACCOUNT_ID_PATTERN.test(id)) throw new UsageError(`--account-id takes a 12-digit AWS account ID, not "${id}"`);
  return id;
}

export function regionOf(parsed: ParsedArgs): string | undefined {
  const region = parsed.value('--region');
  if (region !== undefined && !REGION_PATTERN.test(region)) throw new UsageError(`--region takes an AWS Region such as us-east-1, not "${region}"`);
  return region;
}

/** The options every keyring command shares, for their help texts. */
export const KEYRING_OPTIONS_HELP = `  --data DIR          Keyring folder (default: $KMSW_DATA_DIR, else ~/.kms-workbench)
  --account-id ID     Account to act in (default 123456789012)
  --region R          Region to act in (default us-east-1)`;

export const KEYRING_OPTIONS = ['--data', '--account-id', '--region'];
