import { describe, expect, it } from 'vitest';
import { randomUnitVectors, unit } from '../../test/helpers/vectors.js';
import { AppError } from '../shared/errors.js';
import { BruteForceIndex } from './brute-force-index.js';
import type { Neighbor } from './vector-index.js';

/** The obvious implementation: score everything, sort everything. */
function naiveSearch(vectors: readonly Float32Array[], query: Float32Array, k: number): Neighbor[] {
  return vectors
    .map((v, label) => ({ label, similarity: v.reduce((sum, x, d) => sum + x * (query[d] ?? 0), 0) }))
    .sort((a, b) => b.similarity - a.similarity || a.label - b.label)
    .slice(0, Math.max(0, k));
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('BruteForceIndex', () => {
  it('returns the same neighbours as scoring and sorting everything, for small and large k', () => {
    const vectors = randomUnitVectors(300, 16, 11);
    const index = new BruteForceIndex(16, 8);
    vectors.forEach((v, label) => index.add(label, v));
    for (const query of randomUnitVectors(10, 16, 12)) {
      for (const k of [1, 5, 64, 300]) {
        const got = index.search(query, k);
        const want = naiveSearch(vectors, query, k);
        expect(got.map((n) => n.label)).toEqual(want.map((n) => n.label));
        got.forEach((n, i) => expect(n.similarity).toBeCloseTo(want[i]?.similarity ?? NaN, 5));
      }
    }
  });

  it('scores a sparse query (under a quarter non-zero, like hashed lexical vectors) the same as the full scan', () => {
    const dims = 64;
    const vectors = randomUnitVectors(200, dims, 21);
    const index = new BruteForceIndex(dims);
    vectors.forEach((v, label) => index.add(label, v));
    for (const [q, dense] of randomUnitVectors(10, dims, 22).entries()) {
      // Keep 6 of 64 coordinates (the sparse path), then all 64 (the dense path) of the same query.
      const sparse = dense.map((x, d) => ((d * 7 + q) % 11 === 0 ? x : 0));
      for (const query of [sparse, dense]) {
        const got = index.search(query, 10);
        const want = naiveSearch(vectors, query, 10);
        expect(got.map((n) => n.label)).toEqual(want.map((n) => n.label));
        got.forEach((n, i) => expect(n.similarity).toBeCloseTo(want[i]?.similarity ?? NaN, 5));
      }
    }
  });

  it('sorts by similarity descending, breaks ties by the smaller label, and stays within [-1, 1]', () => {
    const index = new BruteForceIndex(2);
    index.add(5, unit(1, 0));
    index.add(3, unit(1, 0));
    index.add(9, unit(0, 1));
    index.add(1, unit(-1, 0));
    const result = index.search(unit(1, 0), 4);
    expect(result.map((n) => n.label)).toEqual([3, 5, 9, 1]);
    expect(result.map((n) => n.similarity)).toEqual([1, 1, 0, -1]);
    const many = new BruteForceIndex(3);
    randomUnitVectors(200, 3, 13).forEach((v, label) => many.add(label, v));
    const found = many.search(unit(1, 2, 3), 200);
    found.forEach((n, i) => {
      expect(Math.abs(n.similarity)).toBeLessThanOrEqual(1);
      if (i > 0) expect(n.similarity).toBeLessThanOrEqual(found[i - 1]?.similarity ?? Infinity);
    });
  });

  it('clamps k to the size, answers [] for k <= 0 and for an empty index', () => {
    const index = new BruteForceIndex(2);
    expect(index.search(unit(1, 0), 5)).toEqual([]);
    index.add(1, unit(1, 0));
    index.add(2, unit(0, 1));
    expect(index.search(unit(1, 0), 50)).toHaveLength(2);
    expect(index.search(unit(1, 0), 0)).toEqual([]);
    expect(index.search(unit(1, 0), -3)).toEqual([]);
  });

  it('grows from a capacity of 1 and keeps every vector', () => {
    const vectors = randomUnitVectors(100, 8, 14);
    const index = new BruteForceIndex(8, 1);
    vectors.forEach((v, label) => index.add(label, v));
    expect(index.size).toBe(100);
    expect(index.describe()).toMatchObject({ kind: 'brute-force', dims: 8, size: 100 });
    expect(index.describe().capacity).toBeGreaterThanOrEqual(100);
    vectors.forEach((v, label) => expect(index.search(v, 1)[0]?.label).toBe(label));
  });

  it('removes a label (compacting the rest) and replaces the vector of a re-added label', () => {
    const index = new BruteForceIndex(2);
    index.add(1, unit(1, 0));
    index.add(2, unit(1, 1));
    index.add(3, unit(0, 1));
    index.remove(1);
    index.remove(42);
    expect(index.has(1)).toBe(false);
    expect(index.size).toBe(2);
    expect(index.search(unit(1, 0), 5).map((n) => n.label)).toEqual([2, 3]);
    index.add(3, unit(1, 0));
    expect(index.size).toBe(2);
    expect(index.search(unit(1, 0), 1)).toEqual([{ label: 3, similarity: 1 }]);
  });

  it('throws DIMENSION_MISMATCH for a vector of the wrong length', () => {
    const index = new BruteForceIndex(3);
    for (const f of [() => index.add(1, unit(1, 0)), () => index.search(unit(1, 0, 0, 0), 1)]) {
      const error = thrown(f);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'DIMENSION_MISMATCH' });
    }
  });

  it('rejects labels that are not integers in [0, 2^32)', () => {
    const index = new BruteForceIndex(2);
    for (const label of [-1, 1.5, 2 ** 32, Number.NaN]) expect(() => index.add(label, unit(1, 0))).toThrow(RangeError);
  });
});
