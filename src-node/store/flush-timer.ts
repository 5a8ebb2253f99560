/**
 * Saves best-effort facts (last use of keys) a while after the first one is noted, batching them
 * rather than writing the keyring on every Encrypt. The timer never keeps a finished CLI process
 * alive: the store's close() saves what is pending.
 */
const FLUSH_DELAY_MS = 1_000;

export class FlushTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flush: () => Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onError);
    }, FLUSH_DELAY_MS);
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
