import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_MODELS, TINY_MODEL_ID } from '../../test/helpers/test-deps.js';
import { AppError } from '../shared/errors.js';
import { createLogger, silentLogger } from '../shared/logger.js';
import type { EmbedderPool } from './embedder.js';
import { BoundedEmbedderPool } from './pool.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkerSpec } from './worker-protocol.js';

const open: EmbedderPool[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function tinySpec(maxTokens?: number): WorkerSpec {
  return {
    backend: 'transformers',
    transformers: {
      modelId: TINY_MODEL_ID,
      localModelPath: FIXTURE_MODELS,
      cacheDir: path.join(os.tmpdir(), 'semroute-test-cache'),
      allowRemote: false,
      dtype: 'fp32',
      batchSize: 32,
      intraOpThreads: 1,
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    },
  };
}

async function startPool(spec: WorkerSpec, options: { size?: number; cache?: boolean } = {}): Promise<BoundedEmbedderPool> {
  const workers = await WorkerPool.start({ spec, size: options.size ?? 1, maxBatch: 8, maxWaitMs: 2, maxHeapMb: 256, logger: silentLogger() });
  const pool = BoundedEmbedderPool.inWorkers(workers, {
    budget: { maxChars: Number.MAX_SAFE_INTEGER, keep: 'head' },
    cache: options.cache === false ? undefined : { maxEntries: 100, maxBytes: 1 << 20 },
  });
  open.push(pool);
  return pool;
}

function cosine(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b) throw new Error('missing vector');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

const MIXED = [
  'hi',
  'write a python function that merges two sorted lists and explain the complexity of the merge step',
  'translate good morning to french',
  'summarise this contract clause about liability limits and indemnification for a small business owner please',
  'what is the capital of peru',
];

describe('embedding pool on worker threads (tiny model, real onnxruntime)', () => {
  it('gives every text the same vector in a padded batch as alone (mask-aware mean pooling)', async () => {
    const pool = await startPool(tinySpec(), { cache: false });
    const batched = await pool.embed(MIXED);
    for (const [i, text] of MIXED.entries()) {
      const [alone] = await pool.embed([text]);
      // Tolerance, not equality: quantised models differ across batches by up to ~2e-5.
      expect(cosine(batched[i], alone)).toBeGreaterThan(1 - 1e-5);
    }
  });

  it('cuts input at the token budget, says so, and leaves texts within it alone', async () => {
    const pool = await startPool(tinySpec(12), { cache: false });
    expect(pool.budget.maxTokens).toBe(12);
    const head = 'merge two sorted lists in python quickly';
    const [a, b, short] = await pool.embedWithCuts([
      `${head} ${'and then explain recursion '.repeat(20)}`,
      `${head} ${'recommend hiking boots for wide feet '.repeat(20)}`,
      'merge two lists',
    ]).then((r) => r.vectors.map((v, i) => ({ v, cut: r.cuts[i] })));
    // Both share their first 10 word-piece tokens ([CLS] + 10 + [SEP] = 12): the rest never reached the model.
    expect(cosine(a?.v, b?.v)).toBeGreaterThan(1 - 1e-6);
    expect(a?.cut?.fromChars).toBeGreaterThan(a?.cut?.toChars ?? Infinity);
    expect(short?.cut).toBeUndefined();
  });

  it('cuts a 200,000-character prompt by characters before tokenizing', async () => {
    const pool = await startPool(tinySpec(), { cache: false });
    const { vectors, cuts } = await pool.embedWithCuts(['word '.repeat(40_000)]);
    expect(vectors[0]).toHaveLength(256);
    expect(cuts[0]?.fromChars).toBe(200_000);
    expect(cuts[0]?.toChars).toBeLessThanOrEqual(pool.budget.maxChars);
  });

  it('answers a repeated text from the cache without the model', async () => {
    const pool = await startPool(tinySpec());
    await pool.embed(['a cached prompt']);
    await pool.embed(['a cached prompt']);
    expect(pool.stats().cache).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('fails a crashed worker\'s requests with EMBEDDER_UNAVAILABLE and replaces the worker', async () => {
    const pool = await startPool({ backend: 'lexical', dims: 64, exitOnText: 'crash now' }, { size: 1, cache: false });
    const failed = await pool.embed(['crash now']).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(AppError);
    expect(failed).toMatchObject({ code: 'EMBEDDER_UNAVAILABLE' });
    // The replacement loads in the background; the next request waits for it in the queue.
    const [after] = await pool.embed(['still working']);
    expect(after).toHaveLength(64);
    expect(pool.stats()).toMatchObject({ restarts: 1, workers: 1 });
  });

  it('drops a queued text when its caller aborts', async () => {
    const pool = await startPool(tinySpec(), { cache: false });
    const controller = new AbortController();
    const busy = pool.embed(Array.from({ length: 64 }, (_, i) => `busy text ${i} `.repeat(50)));
    const aborted = pool.embed(['never embedded'], { signal: controller.signal });
    controller.abort(new Error('client went away'));
    await expect(aborted).rejects.toThrow('client went away');
    await busy;
  });
});

describe('WorkerPool.close while workers are still loading', () => {
  it('logs no load failure for the workers it terminates (a short CLI command closes the pool early)', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(String(chunk)), done()) });
    const workers = await WorkerPool.start({ spec: tinySpec(), size: 2, maxBatch: 8, maxWaitMs: 2, maxHeapMb: 256, logger: createLogger('error', sink) });
    // The second worker is loading now (start waits for the first only).
    await workers.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.join('')).not.toContain('failed to load');
  });
});
