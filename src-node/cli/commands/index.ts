/** The one table of `kmsw` commands: `kmsw --help` lists it and the runner dispatches through it. */
import type { CliCommand } from '../command';
import { lintCommand } from './lint';
import { serveCommand } from './serve';

export const commands: CliCommand[] = [serveCommand, lintCommand];
