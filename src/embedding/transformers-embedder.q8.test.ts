import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FIXTURE_MODELS, PROJECT_ROOT, TINY_MODEL_ID } from '../../test/helpers/test-deps.js';
import { BoundedEmbedderPool } from './pool.js';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';

/**
 * dtype q8 on the small MiniLM-architecture fixture: transformers.js loads onnx/model_quantized.onnx,
 * the same random weights in int8 (scripts/bert-encoder.ts, dynamic quantisation). Activations are
 * quantised per tensor over the whole batch, so a text's vector depends slightly on its batch: these
 * tests hold vectors to a tolerance, never to bit equality.
 */
const Fixture = z.object({
  texts: z.array(z.object({ text: z.string(), ids: z.array(z.number().int()), vector: z.array(z.number()) })),
  paddedBatch: z.object({ indices: z.array(z.number().int()), meanOverAllPositions: z.array(z.array(z.number())), attentionWithoutMask: z.array(z.array(z.number())) }),
});
const fixture = Fixture.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/embedding/minilm-arch-small.expected.json'), 'utf8')));
const TEXTS = fixture.texts.map((t) => t.text);

const MODEL: Omit<TransformersEmbedderOptions, 'dtype'> = {
  modelId: 'minilm-arch-small',
  localModelPath: FIXTURE_MODELS,
  cacheDir: path.join(os.tmpdir(), 'semroute-test-cache'),
  allowRemote: false,
  batchSize: 32,
};

/**
 * Largest 1 − cos allowed between a text's q8 vector in a padded batch and alone. This fixture's
 * weights are wide (std 0.3), so its activation range, and with it the int8 step, is larger than on
 * the MiniLM-architecture bench model: measured here up to 2.7e-4, there up to 2.6e-5 (BENCHMARKS.md).
 * A masking bug moves vectors further: the reference's controls are checked against this bound below.
 */
const BATCH_TOLERANCE = 5e-4;

function cosine(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined): number {
  if (!a || !b) throw new Error('missing vector');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

describe('TransformersEmbedder with dtype q8 (int8 weights, MiniLM-architecture fixture)', () => {
  let fp32: TransformersEmbedder;
  let q8: TransformersEmbedder;
  let alone: Float32Array[];
  beforeAll(async () => {
    [fp32, q8] = await Promise.all([TransformersEmbedder.create({ ...MODEL, dtype: 'fp32' }), TransformersEmbedder.create({ ...MODEL, dtype: 'q8' })]);
    alone = [];
    for (const text of TEXTS) alone.push(...(await q8.embed([text])));
  });

  it('loads the quantised file: its own fingerprint, vectors near fp32 (cos ≥ 0.99) but not fp32', async () => {
    expect(q8.fingerprint.modelId).toBe('minilm-arch-small@q8');
    expect(fp32.fingerprint.modelId).not.toBe(q8.fingerprint.modelId);
    for (const [i, text] of TEXTS.entries()) {
      const [reference] = await fp32.embed([text]);
      const similarity = cosine(reference, alone[i]);
      expect(similarity, text).toBeGreaterThanOrEqual(0.99);
      // Rounding to int8 moves every vector: equal to fp32 would mean model.onnx was loaded.
      expect(similarity, text).toBeLessThan(1 - 1e-6);
    }
  });

  it('gives each text of a padded mixed-length batch nearly its vector alone, within a tolerance', async () => {
    const batched = await q8.embed(TEXTS);
    let largest = 0;
    for (const [i, text] of TEXTS.entries()) {
      const distance = 1 - cosine(batched[i], alone[i]);
      expect(distance, text).toBeLessThanOrEqual(BATCH_TOLERANCE);
      largest = Math.max(largest, distance);
    }
    // The premise of the tolerance: under q8 the batch does change vectors (fp32 agrees to ~1e-7).
    expect(largest).toBeGreaterThan(1e-6);
    // And the tolerance still catches masking bugs: the reference's controls (mean over padding,
    // attention without the mask) sit further from the true vector than the bound.
    const { indices, meanOverAllPositions, attentionWithoutMask } = fixture.paddedBatch;
    const longest = Math.max(...indices.map((i) => fixture.texts[i]?.ids.length ?? 0));
    indices.forEach((index, k) => {
      if ((fixture.texts[index]?.ids.length ?? 0) === longest) return;
      const truth = fixture.texts[index]?.vector;
      expect(1 - cosine(meanOverAllPositions[k], truth)).toBeGreaterThan(2 * BATCH_TOLERANCE);
      expect(1 - cosine(attentionWithoutMask[k], truth)).toBeGreaterThan(2 * BATCH_TOLERANCE);
    });
  });

  it('answers a repeated prompt from the cache with the vector it stored, whichever batch made it', async () => {
    const pool = BoundedEmbedderPool.inProcess(q8, { budget: { maxChars: 10_000, keep: 'head' }, cache: { maxEntries: 100, maxBytes: 1 << 20 } });
    const text = TEXTS[1] ?? '';
    const [first] = await pool.embed([text]);
    const [fromCache] = (await pool.embed([TEXTS[6] ?? '', text, TEXTS[0] ?? ''])).slice(1);
    expect(pool.stats().cache.hits).toBe(1);
    expect(fromCache).toBe(first);
    // A fresh embedding in another batch is the same text's vector only to the tolerance.
    const [, fresh] = await q8.embed([TEXTS[6] ?? '', text, TEXTS[0] ?? '']);
    expect(1 - cosine(fresh, first)).toBeLessThanOrEqual(BATCH_TOLERANCE);
  });

  it('fails with MODEL_NOT_READY naming the file q8 needs when a model folder has only model.onnx', async () => {
    const load = TransformersEmbedder.create({ ...MODEL, modelId: TINY_MODEL_ID, dtype: 'q8' });
    await expect(load).rejects.toMatchObject({ code: 'MODEL_NOT_READY', message: expect.stringContaining('onnx/model_quantized.onnx (dtype q8)') });
  });
});
