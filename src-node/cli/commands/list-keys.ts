/** `kmsw list-keys`: the keys of one account and Region of the local keyring, with state and aliases. */
import { KEYRING_OPTIONS, KEYRING_OPTIONS_HELP, parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { listAll, withLocalKms, type Wire } from '../local-kms-session';

const HELP = `Usage: kmsw list-keys [--json] [--data DIR] [--account-id ID] [--region R]

Lists the keys of the local keyring: key ID, state, spec, usage, aliases and description.

Options:
  --json              Print a JSON array of DescribeKey's KeyMetadata, each with its "Aliases"
${KEYRING_OPTIONS_HELP}`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: KEYRING_OPTIONS, switches: ['--json'] });
  if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
  return withLocalKms(parsed, io, async (keyring) => {
    const keys = await listAll(keyring, 'ListKeys', 'Keys', { Limit: 1000 });
    const aliases = await listAll(keyring, 'ListAliases', 'Aliases', { Limit: 100 });
    const described: Wire[] = [];
    for (const { KeyId } of keys) {
      const { KeyMetadata } = await keyring.call('DescribeKey', { KeyId });
      described.push({ ...KeyMetadata, Aliases: aliases.filter((a) => a.TargetKeyId === KeyId).map((a) => a.AliasName as string) });
    }
    if (parsed.has('--json')) {
      io.stdout(`${JSON.stringify(described, null, 2)}\n`);
      return 0;
    }
    if (described.length === 0) {
      io.stdout(`No keys in account ${keyring.kms.accountId}, ${keyring.kms.region}. Create one with: kmsw create-key\n`);
      return 0;
    }
    const rows = [['KEY ID', 'STATE', 'SPEC', 'USAGE', 'ALIASES', 'DESCRIPTION']];
    for (const k of described) rows.push([k.KeyId, k.KeyState, k.KeySpec, k.KeyUsage, (k.Aliases as string[]).join(',') || '-', k.Description ?? '']);
    io.stdout(`${table(rows)}\n`);
    return 0;
  });
}

export const listKeysCommand: CliCommand = { name: 'list-keys', summary: 'List the keys of the local keyring', help: HELP, run };
