/**
 * The contract every `kmsw` subcommand implements. Commands get their streams and environment
 * through `CliIo` so tests run them in-process.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdout is a terminal: progress displays and colours only then. */
  isTTY: boolean;
  /** Resolves when the user interrupts (SIGINT/SIGTERM); long-running commands stop on it. */
  signal: AbortSignal;
}

export interface CliCommand {
  /** Words after `kmsw`, e.g. "create-key" or "audit verify". */
  name: string;
  summary: string;
  /** Full help text shown by `kmsw <name> --help`. */
  help: string;
  /** Returns the process exit code: 0 success, 1 failure, 2 usage error. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A usage problem: the CLI prints the message and the command's help, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Why `CliIo.signal` was aborted: the user's SIGINT or SIGTERM. The runner reports it in one line and
 * exits 128 + the signal number, as shells expect of an interrupted command.
 */
export class Interrupted extends Error {
  override name = 'AbortError';
  readonly exitCode: number;

  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}
