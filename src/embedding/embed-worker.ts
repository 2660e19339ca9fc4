/*
 * Worker-thread entry: loads one embedder from workerData, then embeds batches posted by the pool
 * (worker-pool.ts). Everything heavy (tokenizing, the model, pooling) runs here, off the event loop.
 * The backend is imported lazily so a use-lite worker never loads onnxruntime and vice versa.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../shared/errors.js';
import type { EmbedderFingerprint, InputBudget } from './embedder.js';
import { INJECTED_EXIT_CODE, WorkerSpecSchema, type FromWorker, type ToWorker, type WorkerSpec } from './worker-protocol.js';

interface Loaded {
  readonly fingerprint: EmbedderFingerprint;
  readonly budget: Partial<InputBudget>;
  embed(texts: readonly string[]): Promise<{ vectors: Float32Array[]; keptTokenShare: number[] }>;
}

async function load(spec: WorkerSpec): Promise<Loaded> {
  switch (spec.backend) {
    case 'transformers': {
      const { TransformersEmbedder } = await import('./transformers-embedder.js');
      const embedder = await TransformersEmbedder.create(spec.transformers);
      return { fingerprint: embedder.fingerprint, budget: embedder.budget, embed: (texts) => embedder.embedCounting(texts) };
    }
    case 'use-lite': {
      const { UseLiteEmbedder } = await import('./use-lite-embedder.js');
      const embedder = await UseLiteEmbedder.create({ batchSize: spec.batchSize });
      return { fingerprint: embedder.fingerprint, budget: {}, embed: wholeTexts(embedder) };
    }
    case 'lexical': {
      const { LexicalEmbedder } = await import('./lexical-embedder.js');
      const embedder = new LexicalEmbedder({ dims: spec.dims });
      return { fingerprint: embedder.fingerprint, budget: {}, embed: wholeTexts(embedder) };
    }
  }
}

function wholeTexts(embedder: { embed(texts: readonly string[]): Promise<Float32Array[]> }): Loaded['embed'] {
  return async (texts) => ({ vectors: await embedder.embed(texts), keptTokenShare: texts.map(() => 1) });
}

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

/** workerData parsed, or a load-failed message naming every bad field. */
function readSpec(): WorkerSpec | undefined {
  const parsed = WorkerSpecSchema.safeParse(workerData);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  post({ type: 'load-failed', message: `embedding worker got an invalid spec: ${issues}`, code: 'INTERNAL' });
  return undefined;
}

async function main(): Promise<void> {
  const spec = readSpec();
  if (spec === undefined) return;
  const rssBefore = process.memoryUsage().rss;
  let loaded: Loaded;
  try {
    loaded = await load(spec);
  } catch (error) {
    post({ type: 'load-failed', message: error instanceof Error ? error.message : String(error), code: error instanceof AppError ? error.code : undefined });
    return;
  }
  const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  parentPort?.on('message', (message: ToWorker) => {
    if (spec.exitOnText !== undefined && message.texts.includes(spec.exitOnText)) process.exit(INJECTED_EXIT_CODE);
    loaded.embed(message.texts).then(
      ({ vectors, keptTokenShare }) => {
        // Copy into one buffer per vector and transfer it: no second copy on the way to the main thread.
        const owned = vectors.map((v) => (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : v.slice()));
        post({ type: 'result', id: message.id, vectors: owned, keptTokenShare }, owned.map((v) => v.buffer as ArrayBuffer));
      },
      (error: unknown) => post({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) }),
    );
  });
  post({ type: 'ready', fingerprint: loaded.fingerprint, budget: loaded.budget, rssGrowthMb });
}

void main();
