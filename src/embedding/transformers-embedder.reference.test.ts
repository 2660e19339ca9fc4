import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FIXTURE_MODELS, PROJECT_ROOT, tempDir } from '../../test/helpers/test-deps.js';
import { silentLogger } from '../shared/logger.js';
import type { Embedder, EmbedderPool } from './embedder.js';
import { BoundedEmbedderPool } from './pool.js';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';
import { WorkerPool } from './worker-pool.js';

/**
 * The real transformers.js pipeline on a small model with MiniLM's architecture (2 layers, hidden 32;
 * scripts/make-bench-model.ts), against vectors computed independently with NumPy
 * (scripts/bert-reference.py: own protobuf reader, own WordPiece, BertModel forward in float64).
 */
const Vector = z.array(z.number());
const Expected = z.object({
  maxLength: z.number().int(),
  texts: z.array(z.object({ text: z.string(), ids: z.array(z.number().int()), vector: Vector })),
  longTextByMaxLength: z.record(z.string(), Vector),
  paddedBatch: z.object({ indices: z.array(z.number().int()), meanOverAllPositions: z.array(Vector), attentionWithoutMask: z.array(Vector) }),
});
const expected = Expected.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/embedding/minilm-arch-small.expected.json'), 'utf8')));

/** float32 onnxruntime against float64 NumPy, on unit vectors. */
const TOLERANCE = 1e-4;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

const MODEL: TransformersEmbedderOptions = {
  modelId: 'minilm-arch-small',
  localModelPath: FIXTURE_MODELS,
  cacheDir: path.join(os.tmpdir(), 'semroute-test-cache'),
  allowRemote: false,
  dtype: 'fp32',
  batchSize: 32,
};
const longText = at(expected.texts, expected.texts.length - 1);

describe('TransformersEmbedder on the MiniLM-architecture model, against the NumPy reference', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await TransformersEmbedder.create(MODEL);
  });

  it('gives each text, embedded alone, the reference vector', async () => {
    for (const { text, vector } of expected.texts) {
      const [actual] = await embedder.embed([text]);
      expect(maxAbsDiff(actual ?? [], vector), text).toBeLessThan(TOLERANCE);
    }
  });

  it('gives each text of a padded mixed-length batch its single-text vector (attention mask and pooling over the mask)', async () => {
    const { indices, meanOverAllPositions, attentionWithoutMask } = expected.paddedBatch;
    const batch = indices.map((i) => at(expected.texts, i));
    expect(new Set(batch.map((t) => t.ids.length)).size).toBe(batch.length);
    const vectors = await embedder.embed(batch.map((t) => t.text));
    batch.forEach((t, k) => {
      const shorterThanLongest = t.ids.length < Math.max(...batch.map((b) => b.ids.length));
      expect(maxAbsDiff(at(vectors, k), t.vector), t.text).toBeLessThan(TOLERANCE);
      // The reference's own negative controls: ignoring the mask moves every padded text's vector.
      if (shorterThanLongest) {
        expect(maxAbsDiff(at(meanOverAllPositions, k), t.vector)).toBeGreaterThan(10 * TOLERANCE);
        expect(maxAbsDiff(at(attentionWithoutMask, k), t.vector)).toBeGreaterThan(10 * TOLERANCE);
      }
    });
  });

  it(`cuts input at the model's max length (64 tokens), keeping [CLS] … [SEP]`, async () => {
    expect(longText.ids.length).toBe(expected.maxLength);
    const [cut, longer] = await embedder.embed([longText.text, `${longText.text} ${longText.text} and a different ending altogether`]);
    expect(maxAbsDiff(cut ?? [], longText.vector)).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(longer ?? [], longText.vector)).toBeLessThan(TOLERANCE);
  });

  it('honours sentence_bert_config.json max_seq_length below the tokenizer limit, as sentence-transformers does', async () => {
    const { dir, cleanup } = tempDir();
    cpSync(path.join(FIXTURE_MODELS, MODEL.modelId), path.join(dir, MODEL.modelId), { recursive: true });
    writeFileSync(path.join(dir, MODEL.modelId, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 48, do_lower_case: false }));
    const at48 = await TransformersEmbedder.create({ ...MODEL, localModelPath: dir });
    const [cut] = await at48.embed([longText.text]);
    cleanup();
    const reference = expected.longTextByMaxLength['48'] ?? [];
    expect(maxAbsDiff(cut ?? [], reference)).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(reference, longText.vector)).toBeGreaterThan(10 * TOLERANCE);
  });
});

describe('the embedding pool on worker threads, same model and reference', () => {
  let pool: EmbedderPool;
  beforeAll(async () => {
    const workers = await WorkerPool.start({
      spec: { backend: 'transformers', transformers: { ...MODEL, intraOpThreads: 1 } },
      size: 2,
      maxBatch: 8,
      maxWaitMs: 2,
      maxHeapMb: 256,
      logger: silentLogger(),
    });
    pool = BoundedEmbedderPool.inWorkers(workers, { budget: { maxChars: Number.MAX_SAFE_INTEGER, keep: 'head' }, cache: undefined });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('gives concurrent single-text requests (batched by the pool, padded) their reference vectors, the long one cut at 64 tokens', async () => {
    const vectors = await Promise.all(expected.texts.map((t) => pool.embed([t.text]).then(([v]) => v)));
    expected.texts.forEach((t, i) => expect(maxAbsDiff(vectors[i] ?? [], t.vector), t.text).toBeLessThan(TOLERANCE));
  });
});
