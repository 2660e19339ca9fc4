import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import { randomUnitVectors, unit } from '../../test/helpers/vectors.js';
import { AppError } from '../shared/errors.js';
import { BruteForceIndex } from './brute-force-index.js';
import { HnswIndex } from './hnsw-index.js';
import type { VectorIndex } from './vector-index.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function filePath(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return path.join(dir, 'index.hnsw');
}

function fill(index: VectorIndex, vectors: readonly Float32Array[]): void {
  vectors.forEach((v, i) => index.add(i, v));
}

describe('HnswIndex', () => {
  it('agrees with brute force: recall@10 >= 0.95 on generated data', () => {
    const data = randomUnitVectors(3000, 32, 1);
    const queries = randomUnitVectors(200, 32, 2);
    const hnsw = new HnswIndex({ dims: 32, capacity: 64 });
    const exact = new BruteForceIndex(32);
    fill(hnsw, data);
    fill(exact, data);
    let hits = 0;
    for (const q of queries) {
      const truth = new Set(exact.search(q, 10).map((n) => n.label));
      hits += hnsw.search(q, 10).filter((n) => truth.has(n.label)).length;
    }
    expect(hits / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('returns similarities (1 − cosine distance) in [-1, 1], most similar first', () => {
    const index = new HnswIndex({ dims: 3 });
    index.add(1, unit(1, 0, 0));
    index.add(2, unit(1, 1, 0));
    index.add(3, unit(-1, 0, 0));
    const result = index.search(unit(1, 0, 0), 3);
    expect(result.map((n) => n.label)).toEqual([1, 2, 3]);
    expect(result[0]?.similarity).toBeCloseTo(1, 5);
    expect(result[1]?.similarity).toBeCloseTo(Math.SQRT1_2, 5);
    expect(result[2]?.similarity).toBeCloseTo(-1, 5);
  });

  it('clamps k to the size and answers [] when empty', () => {
    const index = new HnswIndex({ dims: 3 });
    expect(index.search(unit(1, 0, 0), 5)).toEqual([]);
    index.add(7, unit(0, 1, 0));
    expect(index.search(unit(1, 0, 0), 50)).toHaveLength(1);
  });

  it('grows past its initial capacity', () => {
    const index = new HnswIndex({ dims: 8, capacity: 4 });
    fill(index, randomUnitVectors(100, 8, 3));
    expect(index.size).toBe(100);
    expect(index.describe().capacity).toBeGreaterThanOrEqual(100);
  });

  it('removes labels from results and replaces a re-added vector', () => {
    const index = new HnswIndex({ dims: 3 });
    index.add(1, unit(1, 0, 0));
    index.add(2, unit(0, 1, 0));
    index.remove(1);
    expect(index.search(unit(1, 0, 0), 2).map((n) => n.label)).toEqual([2]);
    expect(index.has(1)).toBe(false);
    index.add(2, unit(0, 0, 1));
    expect(index.search(unit(0, 0, 1), 1)[0]?.similarity).toBeCloseTo(1, 5);
    index.add(1, unit(1, 0, 0));
    expect(index.search(unit(1, 0, 0), 1)[0]?.label).toBe(1);
  });

  it('throws DIMENSION_MISMATCH for a vector of the wrong length', () => {
    const index = new HnswIndex({ dims: 3 });
    expect(() => index.add(1, unit(1, 0))).toThrow(AppError);
    try {
      index.search(unit(1, 0, 0, 0), 1);
    } catch (error) {
      expect(error instanceof AppError && error.code).toBe('DIMENSION_MISMATCH');
    }
  });

  it('saves and loads to the same neighbours', () => {
    const file = filePath();
    const index = new HnswIndex({ dims: 16 });
    fill(index, randomUnitVectors(500, 16, 4));
    index.remove(3);
    index.save(file, 'fp-1');
    const loaded = HnswIndex.load(file, { dims: 16, fingerprint: 'fp-1', count: 499 });
    if (!loaded.ok) throw new Error(`load failed: ${loaded.reason}`);
    expect(loaded.index.size).toBe(499);
    for (const q of randomUnitVectors(20, 16, 5)) expect(loaded.index.search(q, 10)).toEqual(index.search(q, 10));
  });

  it('refuses missing, stale, truncated and garbage files without crashing', () => {
    const file = filePath();
    expect(HnswIndex.load(file, { dims: 4, fingerprint: 'x', count: 0 })).toEqual({ ok: false, reason: 'missing' });
    const index = new HnswIndex({ dims: 4 });
    fill(index, randomUnitVectors(50, 4, 6));
    index.save(file, 'fp');
    const expected = { dims: 4, fingerprint: 'fp', count: 50 };
    expect(HnswIndex.load(file, { ...expected, fingerprint: 'other' })).toEqual({ ok: false, reason: 'stale' });
    expect(HnswIndex.load(file, { ...expected, dims: 8 })).toEqual({ ok: false, reason: 'stale' });
    expect(HnswIndex.load(file, { ...expected, count: 49 })).toEqual({ ok: false, reason: 'stale' });
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length / 2));
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
    writeFileSync(file, Buffer.alloc(bytes.length, 7));
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
    writeFileSync(`${file}.json`, '{ not json');
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
    rmSync(`${file}.json`);
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'missing' });
  });
});

describe('BruteForceIndex', () => {
  it('finds exact neighbours, breaks ties by label, and compacts on remove', () => {
    const index = new BruteForceIndex(2, 1);
    index.add(5, unit(1, 0));
    index.add(3, unit(1, 0));
    index.add(9, unit(0, 1));
    expect(index.search(unit(1, 0), 2).map((n) => n.label)).toEqual([3, 5]);
    index.remove(3);
    expect(index.search(unit(1, 0), 5).map((n) => n.label)).toEqual([5, 9]);
    expect(index.size).toBe(2);
    expect(index.search(unit(1, 0), 0)).toEqual([]);
  });
});
