/** `kmsw create-key`: a new KMS key in the local keyring, optionally with an alias and tags. */
import { KmsError } from '../../../src-core/kms-error';
import { KEYRING_OPTIONS, KEYRING_OPTIONS_HELP, parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { withLocalKms } from '../local-kms-session';

const HELP = `Usage: kmsw create-key [--spec S] [--usage U] [--description D] [--alias alias/NAME]
                       [--multi-region] [--tag KEY=VALUE]... [--data DIR]

Creates a KMS key in the local keyring and prints its key ID and ARN.

Options:
  --spec S            Key spec (default SYMMETRIC_DEFAULT): RSA_2048, RSA_3072, RSA_4096,
                      ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1,
                      HMAC_224, HMAC_256, HMAC_384, HMAC_512
  --usage U           ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT
                      (default: what the spec allows, ENCRYPT_DECRYPT for symmetric keys)
  --description D     Description
  --alias alias/NAME  Give the key an alias
  --multi-region      Make a multi-Region primary key (mrk- key ID)
  --tag KEY=VALUE     Tag the key (repeatable)
${KEYRING_OPTIONS_HELP}`;

function tagsOf(values: string[]): { TagKey: string; TagValue: string }[] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--tag takes KEY=VALUE, not "${v}"`);
    return { TagKey: v.slice(0, eq), TagValue: v.slice(eq + 1) };
  });
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['--spec', '--usage', '--description', '--alias', ...KEYRING_OPTIONS], repeatable: ['--tag'], switches: ['--multi-region'] });
  if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
  const alias = parsed.value('--alias');
  if (alias !== undefined && !alias.startsWith('alias/')) throw new UsageError(`--alias takes a name that starts with alias/, e.g. alias/${alias}`);
  const tags = tagsOf(parsed.values('--tag'));
  const request: Record<string, unknown> = {
    ...(parsed.value('--spec') ? { KeySpec: parsed.value('--spec') } : {}),
    ...(parsed.value('--usage') ? { KeyUsage: parsed.value('--usage') } : {}),
    ...(parsed.value('--description') !== undefined ? { Description: parsed.value('--description') } : {}),
    ...(parsed.has('--multi-region') ? { MultiRegion: true } : {}),
    ...(tags.length ? { Tags: tags } : {}),
  };
  return withLocalKms(parsed, io, async (keyring) => {
    if (alias) {
      // Refuse a taken alias before making a key the user would then have to clean up.
      const taken = await keyring.call('DescribeKey', { KeyId: alias }).then(() => true, (e: unknown) => {
        if (e instanceof KmsError && e.name === 'NotFoundException') return false;
        throw e;
      });
      if (taken) throw new KmsError('AlreadyExistsException', `The alias ${alias} already points to a key; choose another name or move it with UpdateAlias.`);
    }
    const { KeyMetadata: key } = await keyring.call('CreateKey', request);
    io.stdout(`KeyId  ${key.KeyId}\nArn    ${key.Arn}\n`);
    if (alias) {
      try {
        await keyring.call('CreateAlias', { AliasName: alias, TargetKeyId: key.KeyId });
      } catch (e) {
        if (e instanceof KmsError) io.stderr(`The key was created, but the alias was not: ${e.name}: ${e.message}\n`);
        throw e;
      }
      io.stdout(`Alias  ${alias}\n`);
    }
    return 0;
  });
}

export const createKeyCommand: CliCommand = { name: 'create-key', summary: 'Create a KMS key in the local keyring', help: HELP, run };
