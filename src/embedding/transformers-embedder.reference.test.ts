import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FIXTURE_MODELS, PROJECT_ROOT } from '../../test/helpers/test-deps.js';
import type { Embedder } from './embedder.js';
import { TransformersEmbedder } from './transformers-embedder.js';

/**
 * The real transformers.js pipeline on a small model with MiniLM's architecture (2 layers, hidden 32;
 * scripts/make-bench-model.ts), against vectors computed independently with NumPy
 * (scripts/bert-reference.py: own protobuf reader, own WordPiece, BertModel forward in float64).
 */
const Vector = z.array(z.number());
const Expected = z.object({
  maxLength: z.number().int(),
  texts: z.array(z.object({ text: z.string(), ids: z.array(z.number().int()), vector: Vector })),
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

describe('TransformersEmbedder on the MiniLM-architecture model, against the NumPy reference', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await TransformersEmbedder.create({
      modelId: 'minilm-arch-small',
      localModelPath: FIXTURE_MODELS,
      cacheDir: path.join(os.tmpdir(), 'semroute-test-cache'),
      allowRemote: false,
      dtype: 'fp32',
      batchSize: 32,
    });
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
    const long = at(expected.texts, expected.texts.length - 1);
    expect(long.ids.length).toBe(expected.maxLength);
    const [cut, longer] = await embedder.embed([long.text, `${long.text} ${long.text} and a different ending altogether`]);
    expect(maxAbsDiff(cut ?? [], long.vector)).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(longer ?? [], long.vector)).toBeLessThan(TOLERANCE);
  });
});
