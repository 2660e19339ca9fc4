import { Worker } from 'node:worker_threads';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { takeBatch, type Pending } from './batch-picker.js';
import type { EmbedderFingerprint, InputBudget } from './embedder.js';
import { embedWorkerEntry } from './worker-entry.js';
import { INJECTED_EXIT_CODE, type FromWorker, type WorkerSpec } from './worker-protocol.js';

export interface WorkerPoolOptions {
  readonly spec: WorkerSpec;
  /** Worker threads, each with its own copy of the model. */
  readonly size: number;
  /** Most texts per model call. */
  readonly maxBatch: number;
  /** How long a text may wait for others to fill its batch while the pool is busy, in ms. */
  readonly maxWaitMs: number;
  /** V8 old-generation limit per worker in MB (the model's native memory is not counted). */
  readonly maxHeapMb: number;
  readonly logger: Logger;
}

export interface Job extends Pending {
  /** Part of a large call (seeding, re-embedding): goes after every waiting interactive text. */
  readonly bulk: boolean;
  resolve(result: { vector: Float32Array; keptTokenShare: number }): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  batch: Job[] | undefined;
  batchId: number;
  rssGrowthMb: number;
}

/**
 * Worker threads that each load the model once and embed batches, fed by one queue on the main
 * thread. A batch goes out when a worker is free: at once when the pool is idle, otherwise after at
 * most `maxWaitMs` or as soon as `maxBatch` texts wait. A worker that dies (crash, out of memory)
 * fails its batch with EMBEDDER_UNAVAILABLE (503) and is replaced; the other workers keep going.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  /** Texts of routes and other small calls; always served before `bulk`. */
  private readonly queue: Job[] = [];
  private readonly bulk: Job[] = [];
  private nextBatchId = 1;
  private timer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  private closed = false;
  restarts = 0;

  private constructor(
    private readonly options: WorkerPoolOptions,
    readonly fingerprint: EmbedderFingerprint,
    readonly modelBudget: Partial<InputBudget>,
  ) {}

  /** Starts one worker and waits for its model; the others load after it (one load peak at a time). */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const first = spawn(options);
    const ready = await first.ready;
    const pool = new WorkerPool(options, ready.fingerprint, ready.budget);
    pool.adopt(first.worker, ready.rssGrowthMb);
    void pool.growTo(Math.max(1, options.size));
    return pool;
  }

  get inFlight(): number {
    return this.slots.reduce((n, s) => n + (s.batch?.length ?? 0), 0);
  }

  get queued(): number {
    return this.queue.length + this.bulk.length;
  }

  get workers(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  get workerMemoryMb(): number[] {
    return this.slots.filter((s) => s.ready).map((s) => Math.round(s.rssGrowthMb));
  }

  submit(job: Job): void {
    if (this.closed) throw new AppError('EMBEDDER_UNAVAILABLE', 'the embedding pool is shut down');
    (job.bulk ? this.bulk : this.queue).push(job);
    this.schedulePump();
  }

  /** Drops a job that has not been sent to a worker yet; false when it is already running. */
  cancel(job: Job): boolean {
    const lane = job.bulk ? this.bulk : this.queue;
    const at = lane.indexOf(job);
    if (at < 0) return false;
    lane.splice(at, 1);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const gone = new AppError('EMBEDDER_UNAVAILABLE', 'the embedding pool is shut down');
    for (const job of [...this.queue.splice(0), ...this.bulk.splice(0)]) job.reject(gone);
    await Promise.all(this.slots.splice(0).map((slot) => {
      for (const job of slot.batch ?? []) job.reject(gone);
      return slot.worker.terminate();
    }));
  }

  private async growTo(size: number): Promise<void> {
    while (!this.closed && this.slots.length < size) {
      const next = spawn(this.options);
      const slot = this.placeholder(next.worker);
      try {
        const ready = await next.ready;
        slot.ready = true;
        slot.rssGrowthMb = ready.rssGrowthMb;
        this.schedulePump();
      } catch (error) {
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
        // close() terminates a worker still loading (exit code 1): a short command such as coverage
        // closes the pool before the extra workers are up. That is a shutdown, not a load failure.
        if (this.closed) return;
        this.options.logger.error({ err: error }, 'an embedding worker failed to load; running with fewer workers');
        return;
      }
    }
  }

  private adopt(worker: Worker, rssGrowthMb: number): void {
    const slot = this.placeholder(worker);
    slot.ready = true;
    slot.rssGrowthMb = rssGrowthMb;
  }

  private placeholder(worker: Worker): Slot {
    const slot: Slot = { worker, ready: false, batch: undefined, batchId: 0, rssGrowthMb: 0 };
    this.slots.push(slot);
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onDeath(slot, error));
    worker.on('exit', (code) => this.onDeath(slot, new Error(`embedding worker exited with code ${code}`), code));
    return slot;
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if ((message.type !== 'result' && message.type !== 'failed') || message.id !== slot.batchId) return;
    const batch = slot.batch ?? [];
    slot.batch = undefined;
    if (message.type === 'failed') {
      const error = new AppError('INTERNAL', `embedding failed: ${message.message}`);
      for (const job of batch) job.reject(error);
    } else {
      batch.forEach((job, i) => {
        const vector = message.vectors[i];
        if (vector) job.resolve({ vector, keptTokenShare: message.keptTokenShare[i] ?? 1 });
        else job.reject(new AppError('INTERNAL', 'embedding worker returned too few vectors'));
      });
    }
    this.schedulePump();
  }

  /** A worker died: fail what it held, forget it, and start a replacement (unless shutting down). */
  private onDeath(slot: Slot, error: Error, exitCode?: number): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return; // 'error' and 'exit' both fire for one death
    this.slots.splice(at, 1);
    // A worker that dies while loading is growTo's to report; replacing it could loop forever.
    if (this.closed || !slot.ready) return;
    const lost = slot.batch ?? [];
    slot.batch = undefined;
    const failure = new AppError('EMBEDDER_UNAVAILABLE', 'the embedding worker handling this request stopped; retry', undefined, { cause: error });
    for (const job of lost) job.reject(failure);
    const injected = exitCode === INJECTED_EXIT_CODE;
    this.options.logger.error({ err: error, lost: lost.length, injected }, 'an embedding worker died; replacing it');
    this.restarts += 1;
    void this.growTo(Math.max(1, this.options.size));
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // setImmediate, not a microtask: requests whose bytes arrived in the same I/O poll join one batch.
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    for (;;) {
      const idle = this.slots.find((s) => s.ready && s.batch === undefined);
      // Interactive texts first: a route must not wait behind a seed's thousands of texts.
      const lane = this.queue.length > 0 ? this.queue : this.bulk;
      const oldest = lane[0];
      if (!idle || !oldest) return;
      const busy = this.slots.some((s) => s.batch !== undefined);
      const waited = performance.now() - oldest.enqueuedAt;
      if (lane === this.queue && busy && lane.length < this.options.maxBatch && waited < this.options.maxWaitMs) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.pump(), this.options.maxWaitMs - waited);
        return;
      }
      const batch = takeBatch(lane, this.options.maxBatch);
      idle.batch = batch;
      idle.batchId = this.nextBatchId++;
      idle.worker.postMessage({ type: 'embed', id: idle.batchId, texts: batch.map((j) => j.text) });
    }
  }
}

interface ReadyInfo {
  fingerprint: EmbedderFingerprint;
  budget: Partial<InputBudget>;
  rssGrowthMb: number;
}

function spawn(options: WorkerPoolOptions): { worker: Worker; ready: Promise<ReadyInfo> } {
  const entry = embedWorkerEntry();
  const worker = new Worker(entry.script, {
    eval: entry.eval,
    workerData: options.spec,
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb },
  });
  const ready = new Promise<ReadyInfo>((resolve, reject) => {
    const onExit = (code: number) => reject(new AppError('MODEL_NOT_READY', `embedding worker exited with code ${code} while loading`));
    worker.once('exit', onExit);
    worker.once('error', (error) => reject(new AppError('MODEL_NOT_READY', `embedding worker failed while loading: ${error.message}`, undefined, { cause: error })));
    worker.on('message', function onReady(message: FromWorker) {
      if (message.type === 'ready') {
        worker.off('exit', onExit);
        worker.off('message', onReady);
        resolve({ fingerprint: message.fingerprint, budget: message.budget, rssGrowthMb: message.rssGrowthMb });
      } else if (message.type === 'load-failed') {
        reject(new AppError('MODEL_NOT_READY', message.message));
        void worker.terminate();
      }
    });
  });
  return { worker, ready };
}
