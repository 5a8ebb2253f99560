/** The Logger of `kmsw` commands: warnings and errors to stderr (stdout stays clean for output and pipes). */
import type { Logger } from '../../src-core/ports';
import type { CliIo } from './command';

export function stderrLogger(io: CliIo): Logger {
  return { debug() {}, info() {}, warn: (m) => io.stderr(`warning: ${m}\n`), error: (m) => io.stderr(`error: ${m}\n`) };
}
