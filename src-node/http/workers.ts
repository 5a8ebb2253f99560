/**
 * `kmsw serve --workers N`: N processes answer on one port (node:cluster: the first process accepts
 * connections and hands each to a worker, a keep-alive connection staying with its worker). Each
 * worker runs the same server on the same keyring folder, which several processes share already (the
 * store's transactions, the audit log's lock and chain), so the keyring behaves as with one process;
 * an in-memory keyring lives in one process and cannot be shared this way.
 */
import cluster, { type Address, type Worker } from 'node:cluster';

/** The message a supervisor sends a worker to stop it cleanly (answer what is in flight, close the keyring). */
const STOP = 'kmsw-serve-stop';

export function isServeWorker(): boolean {
  return cluster.isWorker;
}

/**
 * In a worker: aborts when the user interrupts (`signal`) or the supervisor asks it to stop. `done` lets
 * the worker's process end once it has closed its server and keyring.
 */
export function workerStopSignal(signal: AbortSignal): { signal: AbortSignal; done(): void } {
  const fromSupervisor = new AbortController();
  const onMessage = (message: unknown) => {
    if (message === STOP) fromSupervisor.abort();
  };
  process.on('message', onMessage);
  return {
    signal: AbortSignal.any([signal, fromSupervisor.signal]),
    done: () => {
      process.off('message', onMessage);
      cluster.worker?.disconnect();
    },
  };
}

export interface Supervision {
  /** The address the workers listen on, once every one of them listens. */
  listening: Promise<Address>;
  /** Stops every worker cleanly; resolves once all have exited. */
  stop(): Promise<void>;
  /** Resolves when a worker failed before it listened (the others are then stopped): its exit code. */
  failed: Promise<number>;
}

/**
 * Starts `count` workers running this same command line, and replaces a worker that dies while
 * serving (its connections are lost, the others go on). `log` is told of replacements.
 */
export function superviseWorkers(count: number, log: (text: string) => void): Supervision {
  const started = new Set<Worker>();
  const listeningWorkers = new Set<Worker>();
  let stopping = false;
  let resolveListening!: (address: Address) => void;
  let resolveFailed!: (code: number) => void;
  const listening = new Promise<Address>((resolve) => (resolveListening = resolve));
  const failed = new Promise<number>((resolve) => (resolveFailed = resolve));

  const fork = () => started.add(cluster.fork());
  cluster.on('listening', (worker, address) => {
    listeningWorkers.add(worker);
    if (listeningWorkers.size === count) resolveListening(address);
  });
  cluster.on('exit', (worker, code, signal) => {
    started.delete(worker);
    const wasListening = listeningWorkers.delete(worker);
    if (stopping) return;
    if (!wasListening) {
      // It could not start (port taken, bad options…): it said why on stderr; the others stop too.
      void stop().then(() => resolveFailed(code || 1));
      return;
    }
    log(`kmsw serve: worker ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting another\n`);
    fork();
  });

  async function stop(): Promise<void> {
    stopping = true;
    const exits = [...started].map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
    for (const w of started) if (w.isConnected()) w.send(STOP);
    await Promise.all(exits);
  }

  for (let i = 0; i < count; i++) fork();
  return { listening, stop, failed };
}
