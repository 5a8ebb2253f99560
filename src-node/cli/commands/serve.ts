/**
 * `kmsw serve`: the local KMS over HTTP for the AWS CLI, SDKs and test suites. Prints
 * `listening on http://HOST:PORT` once it accepts requests and stops cleanly on SIGINT/SIGTERM.
 */
import { openLocalKms } from '../../host';
import { loadCredentialsFile } from '../../http/credentials';
import { startKmsServer } from '../../http/server';
import { isServeWorker, superviseWorkers, workerStopSignal } from '../../http/workers';
import { accountIdOf, dataDirOf, parseArgs, regionOf } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { stderrLogger } from '../logger';

const HELP = `Usage: kmsw serve [--host 127.0.0.1] [--port 4599] [--data DIR | --in-memory]
                  [--account-id ID] [--region R] [--credentials FILE] [--workers N]

Serves the local KMS at http://HOST:PORT with the AWS JSON 1.1 protocol of AWS KMS, so the AWS CLI
(--endpoint-url), the SDKs and boto3 can use it. Requests must be SigV4-signed; the credential scope
gives the Region and a 12-digit access key ID selects that account.

Options:
  --host H            Address to bind (default 127.0.0.1; 0.0.0.0 exposes the keyring to the network)
  --port N            Port (default 4599; 0 picks a free one)
  --data DIR          Keyring folder (default: $KMSW_DATA_DIR, else ~/.kms-workbench); the
                      extension and other kmsw commands can share it while the server runs
  --in-memory         Keep the keyring in memory only; POST /_reset (or /moto-api/reset) clears it
  --account-id ID     Default account for callers whose access key ID is not 12 digits (default 123456789012)
  --region R          Region of in-process defaults (default us-east-1)
  --credentials FILE  JSON array of {"accessKeyId", "secretAccessKey", "principal"}: signatures are
                      verified against these secrets and each key acts as its principal ARN
  --workers N         Answer with N processes on one port, to use more than one core (default 1;
                      needs a keyring folder: an in-memory keyring lives in one process)

Stops on Ctrl-C or SIGTERM after the requests in flight are answered.`;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function portOf(text: string | undefined): number {
  if (text === undefined) return 4599;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port takes a number from 0 to 65535, not "${text}"`);
  return port;
}

function workersOf(text: string | undefined): number {
  if (text === undefined) return 1;
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > 64) throw new UsageError(`--workers takes a number from 1 to 64, not "${text}"`);
  return count;
}

function urlOf(address: string, port: number): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function exposedWarning(url: string, host: string, credentials: boolean): string | undefined {
  if (LOOPBACK.test(host)) return undefined;
  return `warning: ${url} is reachable from other machines; anyone who can reach it can use this keyring${credentials ? '' : ' (no --credentials: any signature is accepted)'}\n`;
}

/** The first process of `--workers N`: starts the workers, says where they listen, stops them on Ctrl-C or SIGTERM. */
async function supervise(count: number, credentials: boolean, io: CliIo): Promise<number> {
  const workers = superviseWorkers(count, io.stderr);
  const started = await Promise.race([workers.listening, workers.failed]);
  if (typeof started === 'number') return started;
  const url = urlOf(started.address, started.port);
  const warning = exposedWarning(url, started.address, credentials);
  if (warning) io.stderr(warning);
  io.stdout(`listening on ${url} (${count} workers)\n`);
  const interrupted = new Promise<void>((resolve) => (io.signal.aborted ? resolve() : io.signal.addEventListener('abort', () => resolve(), { once: true })));
  const code = await Promise.race([interrupted.then(() => 0), workers.failed]);
  await workers.stop();
  return code;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['--host', '--port', '--data', '--account-id', '--region', '--credentials', '--workers'], switches: ['--in-memory'] });
  if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
  const inMemory = parsed.has('--in-memory');
  if (inMemory && parsed.has('--data')) throw new UsageError('give either --data DIR or --in-memory, not both');
  const workers = workersOf(parsed.value('--workers'));
  if (workers > 1 && inMemory) throw new UsageError('--workers needs a keyring folder (--data DIR): an in-memory keyring lives in one process, so workers would not share it');
  const port = portOf(parsed.value('--port'));
  if (workers > 1 && !isServeWorker()) return supervise(workers, parsed.has('--credentials'), io);
  const worker = isServeWorker() ? workerStopSignal(io.signal) : undefined;
  const stop = worker?.signal ?? io.signal;
  const credentialsFile = parsed.value('--credentials');
  const credentials = credentialsFile ? await loadCredentialsFile(credentialsFile) : undefined;
  const logger = stderrLogger(io);
  const kms = await openLocalKms({
    ...(inMemory ? { inMemory } : { dataDir: dataDirOf(parsed, io) }),
    accountId: accountIdOf(parsed),
    region: regionOf(parsed),
    env: io.env,
    logger,
  });
  try {
    const server = await startKmsServer({ kms, host: parsed.value('--host'), port, credentials, logger }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') throw new Error(`port ${port} is in use: stop what holds it or pick another with --port (0 picks a free one)`);
      if (e.code === 'EADDRNOTAVAIL') throw new Error(`cannot bind ${parsed.value('--host')}: not an address of this machine`);
      throw e;
    });
    // A worker's supervisor says where the workers listen, once.
    if (!worker) {
      const warning = exposedWarning(server.url, server.host, Boolean(credentials));
      if (warning) io.stderr(warning);
      io.stdout(`listening on ${server.url}\n`);
    }
    if (!stop.aborted) await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
    await server.close();
  } finally {
    await kms.close();
    worker?.done();
  }
  return 0;
}

export const serveCommand: CliCommand = { name: 'serve', summary: 'Serve the local KMS over HTTP for the AWS CLI and SDKs', help: HELP, run };
