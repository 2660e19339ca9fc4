import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import type { Embedder } from '../embedding/embedder.js';
import { siblingWorkerEntry } from '../embedding/worker-entry.js';
import type { PolicyName } from '../routing/policies/registry.js';
import type { RoutingTarget } from '../routing/policies/target.js';
import type { Fold } from './folds.js';
import type { RecordScheme } from './records.js';
import { mergeFold, type FoldPhase, type FoldResult, type FoldSummary, type ReplayResult } from './replay.js';
import type { EvalRow } from './types.js';

/** Everything a worker needs to replay one fold, as plain data (structured-cloned to it). */
export interface FoldJob {
  readonly rows: readonly EvalRow[];
  readonly models: readonly string[];
  readonly folds: readonly Fold[];
  readonly costWeights: readonly number[];
  readonly policies: readonly PolicyName[];
  readonly targets: readonly RoutingTarget[];
  readonly scheme: RecordScheme;
  readonly defaultModel?: string;
  /** The fold config's fixed parts (run-eval.ts foldConfig adds the data dir and default model). */
  readonly config: { readonly catalog: Config['catalog']; readonly k: number | undefined; readonly routing: Readonly<Record<string, number>> };
  readonly fingerprint: Embedder['fingerprint'];
}

/** Worker → main thread. `embed` asks the main thread's embedder, so every vector comes from one place. */
export type FromFoldWorker =
  | { readonly type: 'embed'; readonly id: number; readonly texts: readonly string[] }
  | { readonly type: 'phase'; readonly phase: FoldPhase; readonly seconds: number }
  | { readonly type: 'done'; readonly result: FoldResult }
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string };

export type ToFoldWorker = { readonly type: 'vectors'; readonly id: number; readonly vectors: Float32Array[] } | { readonly type: 'embed-failed'; readonly id: number; readonly message: string };

export interface ParallelHooks {
  readonly onPhase?: (fold: number, phase: FoldPhase, seconds: number) => void;
  readonly onFold?: (summary: FoldSummary) => void;
}

/**
 * Replays the folds in up to `workers` worker threads at once. Folds share nothing (each has its own
 * temp data dir, SQLite, HNSW index and router), so the result equals the serial replay's; only the
 * embedder stays in this thread, answering the workers' embed requests (the vectors are cached here).
 */
export async function replayInWorkers(job: FoldJob, embedder: Embedder, options: { workers: number } & ParallelHooks): Promise<ReplayResult> {
  const results = new Array<FoldResult | undefined>(job.folds.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < job.folds.length) {
      const index = next++;
      const result = await runInWorker(job, index, embedder, options);
      results[index] = result;
      options.onFold?.(result.summary);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.workers, job.folds.length)) }, lane));
  const merged = { runs: [], targetRuns: [], folds: [] } as { runs: FoldResult['runs'][number][]; targetRuns: FoldResult['targetRuns'][number][]; folds: FoldSummary[] };
  results.forEach((result, index) => {
    if (!result) throw new Error(`fold ${index} produced no result`);
    if (index === 0) {
      merged.runs.push(...result.runs);
      merged.targetRuns.push(...result.targetRuns.map((t) => ({ ...t, folds: [] })));
    }
    mergeFold(merged, result, job.folds[index]?.test ?? []);
  });
  return merged;
}

function runInWorker(job: FoldJob, index: number, embedder: Embedder, hooks: ParallelHooks): Promise<FoldResult> {
  // The compiled fold-worker.js, or under tsx and vitest a bootstrap that registers tsx first.
  const entry = siblingWorkerEntry(import.meta.url, 'fold-worker');
  const worker = new Worker(entry.script, { eval: entry.eval, workerData: { job, index } });
  return new Promise<FoldResult>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: FromFoldWorker) => {
      if (message.type === 'phase') hooks.onPhase?.(index, message.phase, message.seconds);
      else if (message.type === 'done') settle(() => resolve(message.result));
      else if (message.type === 'failed') settle(() => reject(Object.assign(new Error(`fold ${index + 1}: ${message.message}`), { stack: message.stack })));
      else {
        embedder.embed(message.texts).then(
          (vectors) => worker.postMessage({ type: 'vectors', id: message.id, vectors } satisfies ToFoldWorker),
          (error: unknown) => worker.postMessage({ type: 'embed-failed', id: message.id, message: error instanceof Error ? error.message : String(error) } satisfies ToFoldWorker),
        );
      }
    });
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`fold ${index + 1}: worker exited with code ${code} before finishing`))));
  });
}
