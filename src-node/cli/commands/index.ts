/** The one table of `kmsw` commands: `kmsw --help` lists it and the runner dispatches through it. */
import type { CliCommand } from '../command';
import { auditCommand } from './audit';
import { clockCommand } from './clock';
import { createKeyCommand } from './create-key';
import { decryptFileCommand } from './decrypt-file';
import { encryptFileCommand } from './encrypt-file';
import { lintCommand } from './lint';
import { listKeysCommand } from './list-keys';
import { serveCommand } from './serve';
import { sopsCommand } from './sops';
import { simulateCommand } from './simulate';

export const commands: CliCommand[] = [
  serveCommand,
  createKeyCommand,
  listKeysCommand,
  clockCommand,
  encryptFileCommand,
  decryptFileCommand,
  auditCommand,
  lintCommand,
  sopsCommand,
  simulateCommand,
];
