/** `kmsw encrypt-file`: a file or a folder into AWS Encryption SDK messages, under a KMS key. */
import { parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { DEFAULT_FRAME_LENGTH, DEFAULT_MAX_FRAME_LENGTH } from '../../../src-core/encryption-sdk/message';
import { DEFAULT_SUITE, parseWritableSuite, WRITABLE_SUITES } from '../../../src-core/encryption-sdk/suites';
import { encryptFile } from '../../files/file-crypto';
import { encryptedName, encryptFolder } from '../../files/folder-crypto';
import { CONNECTION_HELP, CONNECTION_OPTIONS, contextOf } from '../../files/file-commands';
import { runFileJob } from './file-job';

const HELP = `Usage: kmsw encrypt-file --key KEY [--context k=v]... [--frame-size N] [--suite NAME] [--force] IN [-o OUT]

Encrypts a file, or every file of a folder recursively, into the AWS Encryption SDK message format
(envelope encryption: one KMS GenerateDataKey per file, AES-256-GCM locally, key commitment). The
AWS Encryption CLI and SDKs decrypt the result. The output appears only once complete, and an
existing file is never replaced without --force.

Arguments:
  IN                  File or folder to encrypt
  -o OUT              Output file (or folder to put it in); for a folder IN, the folder that receives
                      the mirrored tree. Default: next to the input, with the suffix .encrypted

Options:
  --key KEY           KMS key: key ID, key ARN, alias name or alias ARN (required)
  --context k=v       Encryption context pair, stored in the message and bound by KMS (repeatable)
  --frame-size N      Plaintext bytes per frame, 1 to ${DEFAULT_MAX_FRAME_LENGTH} (default ${DEFAULT_FRAME_LENGTH})
  --suite NAME        ${WRITABLE_SUITES.join(' (default) or ')} (signed)
  --force             Replace existing outputs
${CONNECTION_HELP}`;

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['--key', '--frame-size', '--suite', '-o', ...CONNECTION_OPTIONS], repeatable: ['--context'], switches: ['--force'] });
  if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length ? `one input expected, got ${parsed.positionals.length}` : 'the input file or folder is missing');
  const keyId = parsed.value('--key');
  if (!keyId) throw new UsageError('--key is required');
  const suiteText = parsed.value('--suite');
  const suite = suiteText === undefined ? DEFAULT_SUITE : parseWritableSuite(suiteText);
  if (!suite) throw new UsageError(`--suite takes ${WRITABLE_SUITES.join(' or ')}, not "${suiteText}"`);
  const frameText = parsed.value('--frame-size');
  const frameLength = frameText === undefined ? DEFAULT_FRAME_LENGTH : Number(frameText);
  if (!/^\d+$/.test(frameText ?? '1') || frameLength < 1 || frameLength > DEFAULT_MAX_FRAME_LENGTH) {
    throw new UsageError(`--frame-size takes a whole number of bytes from 1 to ${DEFAULT_MAX_FRAME_LENGTH}, not "${frameText}"`);
  }
  const encryptionContext = contextOf(parsed);
  return runFileJob(parsed, io, { verb: 'encrypted', options: { keyId, suite, frameLength, encryptionContext }, defaultName: encryptedName, file: encryptFile, folder: encryptFolder });
}

export const encryptFileCommand: CliCommand = { name: 'encrypt-file', summary: 'Encrypt a file or folder (AWS Encryption SDK format)', help: HELP, run };
