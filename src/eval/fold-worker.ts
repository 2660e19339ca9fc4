/**
 * Worker thread entry: replays one fold of an eval (see parallel-replay.ts) and posts the result.
 * Vectors come from the main thread's embedder, so every fold sees the vectors a serial run would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Embedder } from '../embedding/embedder.js';
import { createLogger } from '../shared/logger.js';
import type { FoldJob, FromFoldWorker, ToFoldWorker } from './parallel-replay.js';
import { replayFold, type FoldResult } from './replay.js';
import { foldConfig } from './fold-config.js';

const port = parentPort;
if (!port) throw new Error('fold-worker runs only as a worker thread');
const { job, index } = workerData as { job: FoldJob; index: number };

/** Asks the main thread for vectors; requests are answered in any order, matched by id. */
function remoteEmbedder(): Embedder {
  let nextId = 0;
  const waiting = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  port?.on('message', (message: ToFoldWorker) => {
    const request = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.type === 'vectors') request?.resolve(message.vectors);
    else request?.reject(new Error(message.message));
  });
  return {
    fingerprint: job.fingerprint,
    embed: (texts) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        port?.postMessage({ type: 'embed', id, texts: [...texts] } satisfies FromFoldWorker);
      }),
  };
}

function post(message: FromFoldWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

/** The result's typed arrays move to the main thread instead of being copied. */
function buffersOf(result: FoldResult): ArrayBuffer[] {
  const arrays = [...result.runs.flatMap((r) => [...r.choice, ...r.predicted, r.covered]), ...result.targetRuns.map((t) => t.choice)];
  return arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

try {
  const models = job.models;
  const result = await replayFold(
    {
      rows: job.rows,
      models,
      folds: job.folds,
      scorable: (row) => models.every((m) => row.outcomes[m] !== undefined),
      embedder: remoteEmbedder(),
      configFor: (dataDir, defaultModel) => foldConfig({ ...job.config, dataDir, defaultModel }),
      costWeights: job.costWeights,
      policies: job.policies,
      targets: job.targets,
      scheme: job.scheme,
      ...(job.defaultModel !== undefined ? { defaultModel: job.defaultModel } : {}),
      logger: createLogger('error'),
      onPhase: (_fold, phase, seconds) => post({ type: 'phase', phase, seconds }),
    },
    index,
  );
  post({ type: 'done', result }, buffersOf(result));
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
}
