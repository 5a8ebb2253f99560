/** `kmsw decrypt-file`: AWS Encryption SDK messages (from us, the Encryption CLI or an SDK) back into files. */
import { parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { decryptFile } from '../../files/file-crypto';
import { decryptedName, decryptFolder } from '../../files/folder-crypto';
import { CONNECTION_HELP, CONNECTION_OPTIONS, contextOf } from '../../files/file-commands';
import { runFileJob } from './file-job';

const HELP = `Usage: kmsw decrypt-file IN [-o OUT] [--force] [--key ARN]... [--context k=v]...

Decrypts an AWS Encryption SDK message (committing suites; written by kmsw, the AWS Encryption CLI or
an SDK), or every .encrypted file of a folder recursively. The output appears only after the whole
message, its final frame and its signature have verified: a truncated or altered file leaves nothing
behind. An existing file is never replaced without --force.

Arguments:
  IN                  File or folder to decrypt
  -o OUT              Output file (or folder to put it in); for a folder IN, the folder that receives
                      the mirrored tree. Default: next to the input, without .encrypted (or with
                      .decrypted added)

Options:
  --key ARN           Only accept data keys under this KMS key ARN (repeatable; default: any KMS key)
  --context k=v       Require this encryption context pair in the message (repeatable)
  --force             Replace existing outputs
${CONNECTION_HELP}`;

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['-o', ...CONNECTION_OPTIONS], repeatable: ['--context', '--key'], switches: ['--force'] });
  if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length ? `one input expected, got ${parsed.positionals.length}` : 'the input file or folder is missing');
  const keyArns = parsed.values('--key');
  for (const arn of keyArns) {
    // Messages name their keys by ARN, so an alias or bare ID could never match (the Encryption CLI's rule too).
    if (!arn.startsWith('arn:')) throw new UsageError(`--key takes a key ARN on decrypt, not "${arn}"`);
  }
  const requiredContext = contextOf(parsed);
  return runFileJob(parsed, io, { verb: 'decrypted', options: { keyArns: keyArns.length ? keyArns : undefined, requiredContext }, defaultName: decryptedName, file: decryptFile, folder: decryptFolder });
}

export const decryptFileCommand: CliCommand = { name: 'decrypt-file', summary: 'Decrypt a file or folder (AWS Encryption SDK format)', help: HELP, run };
