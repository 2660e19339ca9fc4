import { writeTransaction, type Db } from './db.js';

interface Pending<T> {
  work: () => T;
  durable: boolean;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

interface Step {
  items: unknown[];
  apply: (items: readonly unknown[]) => void;
}

export interface WriteQueueOptions {
  /**
   * How long a log write (not durable) may wait for company, in ms. The logs of a request (its
   * decision, the proxy's attempt and spend) and of its neighbours in time then share one commit,
   * whose page writes cost more than the rows (bench:proxy at 1 connection: ~0.5 commits per request
   * at 5 ms, fewer at 20). A durable write, flush() and every reader that needs the logs (decision
   * lookups, coverage, shutdown) take them along at once; a crash loses at most this window of
   * unacknowledged logs. Default 20.
   */
  readonly logDelayMs?: number;
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
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private synchronous: 'FULL' | 'NORMAL' | undefined;
  private readonly steps: Step[] = [];
  private readonly logDelayMs: number;
  /** Built once: each writeTransaction call makes a new better-sqlite3 transaction function. */
  private readonly inTransaction: (batch: readonly Pending<unknown>[], results: unknown[], failed: (unknown[] | undefined)[]) => void;
  /** Called inside the batch's transaction, so it runs as a savepoint. */
  private readonly inSavepoint: (work: () => unknown) => unknown;

  constructor(
    private readonly db: Db,
    options: WriteQueueOptions = {},
  ) {
    this.logDelayMs = options.logDelayMs ?? 20;
    this.inSavepoint = writeTransaction(db, (work: () => unknown) => work());
    this.inTransaction = writeTransaction(db, (batch: readonly Pending<unknown>[], results: unknown[], failed: (unknown[] | undefined)[]) => this.runBatch(batch, results, failed));
  }

  run<T>(work: () => T, options: { durable: boolean } = { durable: true }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, durable: options.durable, resolve: (v) => resolve(v as T), reject });
      if (options.durable || this.logDelayMs <= 0) {
        this.immediate ??= setImmediate(() => this.flush());
      } else if (this.timer === undefined && this.immediate === undefined) {
        this.timer = setTimeout(() => this.flush(), this.logDelayMs);
      }
    });
  }

  /**
   * Work the writes of one batch share, done once per transaction: a write's work calls the returned
   * `add`, and after every write of the batch has run, `apply` gets all their items (e.g. record
   * deltas, summed and upserted once per key). Items added by a write that failed are dropped with
   * its savepoint; if `apply` throws, the whole batch fails and nothing of it is committed.
   */
  batchStep<T>(apply: (items: readonly T[]) => void): (item: T) => void {
    const step: Step = { items: [], apply: apply as (items: readonly unknown[]) => void };
    this.steps.push(step);
    return (item) => {
      step.items.push(item);
    };
  }

  /** Commits everything queued now; also called before shutdown. */
  flush(): void {
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.immediate = undefined;
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const results: unknown[] = new Array(batch.length);
    const failed: (unknown[] | undefined)[] = new Array(batch.length);
    // One durable write makes the whole batch durable.
    this.useSynchronous(batch.some((item) => item.durable) ? 'FULL' : 'NORMAL');
    try {
      this.inTransaction(batch, results, failed);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    } finally {
      for (const step of this.steps) step.items = [];
    }
    batch.forEach((item, i) => {
      const failure = failed[i];
      if (failure) item.reject(failure[0]);
      else item.resolve(results[i]);
    });
  }

  private runBatch(batch: readonly Pending<unknown>[], results: unknown[], failed: (unknown[] | undefined)[]): void {
    batch.forEach((item, i) => {
      const marks = this.steps.map((s) => s.items.length);
      try {
        results[i] = this.inSavepoint(item.work);
      } catch (error) {
        failed[i] = [error];
        this.steps.forEach((s, j) => (s.items.length = marks[j] ?? 0));
      }
    });
    for (const step of this.steps) if (step.items.length > 0) step.apply(step.items);
  }

  /** Pragmas are statements too: set synchronous only when the lane changes. */
  private useSynchronous(mode: 'FULL' | 'NORMAL'): void {
    if (this.synchronous === mode) return;
    this.db.pragma(`synchronous = ${mode}`);
    this.synchronous = mode;
  }
}
