/** `kmsw decrypt-file`: AWS Encryption SDK messages (from us, the Encryption CLI or an SDK) back into files. */
import { parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { decryptFile } from '../../files/file-crypto';
import { decryptedName, decryptFolder } from '../../files/folder-crypto';
import { absolute, CONNECTION_HELP, CONNECTION_OPTIONS, connectionFor, contextOf, isDirectory, progressLine, reportFile, reportFolder, singleOutput } from '../../files/file-commands';

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
  const input = absolute(parsed.positionals[0], io);
  const folder = await isDirectory(input);
  const connection = await connectionFor(parsed, io);
  const progress = progressLine(io, 'decrypting');
  try {
    const common = { kms: connection.kms, keyArns: keyArns.length ? keyArns : undefined, requiredContext, force: parsed.has('--force'), signal: io.signal, onProgress: progress.onProgress };
    if (folder) {
      const outputDir = parsed.value('-o');
      const results = await decryptFolder(input, { ...common, outputDir: outputDir && absolute(outputDir, io), onFile: progress.onFile });
      progress.done();
      return reportFolder(io, 'decrypted', results);
    }
    const output = await singleOutput(input, parsed.value('-o'), io, decryptedName);
    progress.onFile(input, 0, 1);
    const result = await decryptFile(input, output, common);
    progress.done();
    reportFile(io, 'decrypted', result);
    return 0;
  } finally {
    progress.done();
    await connection.close();
  }
}

export const decryptFileCommand: CliCommand = { name: 'decrypt-file', summary: 'Decrypt a file or folder (AWS Encryption SDK format)', help: HELP, run };
