import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { siblingWorkerEntry } from '../embedding/worker-entry.js';
import type { Logger } from '../shared/logger.js';
import type { MetaStore } from '../store/meta-store.js';
import type { FitJob, FitReply, FitWorkerData, IndexJob, SnapshotIndexFile } from './fit-protocol.js';
import type { FitConfig, RouterFit } from './router-fit.js';

type DoneReply = Extract<FitReply, { ok: true }>;
type JobBody = Omit<FitJob, 'id'> | Omit<IndexJob, 'id'>;

interface PendingJob {
  /** What the job does, for its error message. */
  readonly what: string;
  resolve(reply: DoneReply): void;
  reject(error: Error): void;
}

/**
 * After this long without a fit the worker stops, and its heap and native memory go with it: an idle
 * isolate does not collect its garbage, which held ~40-60 MiB (a soak with a rebuild every 15 s grew
 * RSS past its bound). A start costs ~0.1 s compiled, ~0.5 s under tsx: refits in a burst (admin
 * edits) share one worker.
 */
const IDLE_STOP_MS = 5_000;

/**
 * One worker thread that runs router fits and index builds (fit-worker.ts), started on demand and stopped when idle.
 * It holds the process open only while a fit runs. A worker that crashes fails its fits and is
 * replaced on the next one.
 */
export class FitWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, PendingJob>();
  private nextId = 1;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly data: FitWorkerData,
    /** The server's meta (the worker's cache entries are written here) and logger (its lines are emitted here). */
    private readonly host: { readonly meta: MetaStore; readonly logger: Logger },
    private readonly idleStopMs = IDLE_STOP_MS,
  ) {}

  /** True while a worker thread exists (fitting, or idle for less than the idle stop time). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Calibrates and fits on one snapshot of the database, off this thread. Rejects when the fit throws or the worker dies. */
  async fit(config: FitConfig, options: { refit?: boolean } = {}): Promise<RouterFit> {
    const reply = await this.run('router fit', { kind: 'fit', config: { routing: config.routing, catalog: config.catalog }, refit: options.refit ?? false });
    if (reply.kind !== 'fit') throw new Error(`the fit worker answered a fit with a ${reply.kind} reply`);
    for (const [key, value] of reply.metaWrites) this.host.meta.set(key, value);
    for (const line of reply.logs) emit(this.host.logger, line);
    return reply.result;
  }

  /**
   * Builds the HNSW index over one snapshot's vectors and saves it at `outPath` (HnswIndex.save),
   * off this thread. Resolves with the snapshot's generation and count; rejects when the build or save throws.
   */
  async buildIndex(outPath: string): Promise<SnapshotIndexFile> {
    const reply = await this.run('index build', { kind: 'index', outPath });
    if (reply.kind !== 'index') throw new Error(`the fit worker answered an index build with a ${reply.kind} reply`);
    return reply.built;
  }

  private run(what: string, body: JobBody): Promise<DoneReply> {
    if (this.closed) return Promise.reject(new Error('the fit worker is shut down'));
    clearTimeout(this.idleTimer);
    const worker = (this.worker ??= this.spawn());
    const job = { id: this.nextId++, ...body };
    worker.ref();
    return new Promise<DoneReply>((resolve, reject) => {
      this.pending.set(job.id, { what, resolve, reject });
      worker.postMessage(job);
    });
  }

  /** Stops the worker; a fit still running is rejected. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the fit worker is shut down'));
    await worker?.terminate();
  }

  private spawn(): Worker {
    const entry = siblingWorkerEntry(import.meta.url, 'fit-worker');
    const worker = new Worker(entry.script, { eval: entry.eval, workerData: this.data });
    worker.on('message', (reply: FitReply) => this.settle(worker, reply));
    worker.once('error', (error) => this.lost(worker, error));
    worker.once('exit', (code) => this.lost(worker, new Error(`the fit worker exited with code ${code}`)));
    return worker;
  }

  private settle(worker: Worker, reply: FitReply): void {
    const pending = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.idle(worker);
    if (!pending) return;
    if (!reply.ok) {
      const error = new Error(`${pending.what} failed in the fit worker: ${reply.message}`);
      if (reply.stack) error.stack = reply.stack;
      pending.reject(error);
      return;
    }
    pending.resolve(reply);
  }

  /** Lets the process exit without it, and stops it unless a fit comes within IDLE_STOP_MS. */
  private idle(worker: Worker): void {
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, this.idleStopMs);
    this.idleTimer.unref();
  }

  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(error);
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** pino's numeric levels (https://getpino.io/#/docs/api?id=levels). */
const LEVELS = new Map<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'>([[10, 'trace'], [20, 'debug'], [30, 'info'], [40, 'warn'], [50, 'error'], [60, 'fatal']]);
const LogLine = z.looseObject({ level: z.number(), msg: z.string().default(''), time: z.unknown() });

/** Re-emits one of the worker's pino lines through the server's logger, at its level and with its fields. */
function emit(logger: Logger, line: string): void {
  let parsed;
  try {
    parsed = LogLine.safeParse(JSON.parse(line));
  } catch {
    return;
  }
  if (!parsed.success) return;
  const { level, msg, time: _time, ...fields } = parsed.data;
  const label = LEVELS.get(level);
  if (label) logger[label](fields, msg);
}
