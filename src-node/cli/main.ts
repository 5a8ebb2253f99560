/** Entry point of the `kmsw` CLI (bundled to dist/kmsw.js): process streams and signals around the runner. */
import { Interrupted, type CliIo } from './command';
import { runCli } from './run';

// kmsw ships with a pinned SDK and supports Node 20, so the SDK's notice about its future releases is noise on
// every command's stderr; a user who sets the variable to something else still sees it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const interrupted = new AbortController();
let interrupts = 0;
const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
  const reason = new Interrupted(signal);
  // The first signal asks the command to stop cleanly; a second one means "now".
  if (++interrupts > 1) process.exit(reason.exitCode);
  interrupted.abort(reason);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A reader that closed the pipe early (`kmsw list-keys --json | head`) has all it wanted: drop the rest of
// the output quietly and let the command finish what it was doing, as a stack trace on stderr helps no one.
let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  stdoutClosed = true;
});

const io: CliIo = {
  stdout: (text) => void (stdoutClosed || process.stdout.write(text)),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
  signal: interrupted.signal,
};

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  },
  (e: unknown) => {
    process.stderr.write(`kmsw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
