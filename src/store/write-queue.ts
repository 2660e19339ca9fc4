import type { Db } from './db.js';

interface Pending<T> {
  work: () => T;
  durable: boolean;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes queued in the same tick share one transaction, so one fsync acknowledges
 * many. Each write runs in its own savepoint, so one failing write rolls back only itself.
 * A promise resolves only after the transaction holding its write has committed.
 *
 * Two durability lanes. `durable` writes (what we acknowledge to a caller, e.g. POST /v1/outcomes)
 * commit with synchronous=FULL: on disk before the answer, even across power loss. Log writes
 * (decisions, the proxy's own attempt records, spend) commit with synchronous=NORMAL: in WAL mode
 * they survive a process crash, and skipping the fsync keeps it off the request's event loop.
 */
export class WriteQueue {
  private pending: Pending<unknown>[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  run<T>(work: () => T, options: { durable: boolean } = { durable: true }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, durable: options.durable, resolve: (v) => resolve(v as T), reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now; also called before shutdown. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    // One durable write makes the whole batch durable.
    this.db.pragma(`synchronous = ${batch.some((item) => item.durable) ? 'FULL' : 'NORMAL'}`);
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: this.db.transaction(item.work)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const result = outcomes[i];
      if (result?.ok) item.resolve(result.value);
      else item.reject(result?.error);
    });
  }
}
