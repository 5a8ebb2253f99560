/**
 * The `kmsw` runner: finds the command in the table, prints help, and turns failures into exit
 * codes (2 for usage, 1 for everything else) with a message that says what to do.
 */
import { KmsError } from '../../src-core/kms-error';
import { Interrupted, UsageError, type CliCommand, type CliIo } from './command';
import { commands as defaultCommands } from './commands/index';

function overview(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: kmsw <command> [options]',
    '',
    'KMS Workbench: a complete local AWS KMS, its keyring and audit log, and key-policy checks.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'kmsw <command> --help' for a command's options.",
  ].join('\n');
}

/** The command whose (possibly multi-word) name starts the arguments; the longest name wins. */
function findCommand(args: string[], commands: CliCommand[]): { command: CliCommand; rest: string[] } | undefined {
  let best: { command: CliCommand; rest: string[] } | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => args[i] === w) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: args.slice(words.length) };
    }
  }
  return best;
}

export async function runCli(args: string[], io: CliIo, commands: CliCommand[] = defaultCommands): Promise<number> {
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    const topic = args[0] === 'help' && args.length > 1 ? findCommand(args.slice(1), commands) : undefined;
    io.stdout(`${topic ? topic.command.help : overview(commands)}\n`);
    return 0;
  }
  const found = findCommand(args, commands);
  if (!found) {
    io.stderr(`kmsw: unknown command "${args[0]}". Run 'kmsw --help' for the list of commands.\n`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // Whatever a command threw once interrupted, it was stopped by the user and its cleanup has run.
    if (io.signal.reason instanceof Interrupted) {
      io.stderr(`kmsw ${command.name}: ${io.signal.reason.message}\n`);
      return io.signal.reason.exitCode;
    }
    if (e instanceof UsageError) {
      io.stderr(`kmsw ${command.name}: ${e.message}\nRun 'kmsw ${command.name} --help' for usage.\n`);
      return 2;
    }
    if (e instanceof KmsError) {
      io.stderr(`${e.name}: ${e.message}\n`);
      return 1;
    }
    io.stderr(`kmsw ${command.name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
