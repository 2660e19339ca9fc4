import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomUnitVectors, seededRandom, unit } from '../../test/helpers/vectors.js';
import { AppError } from '../shared/errors.js';
import { BruteForceIndex } from './brute-force-index.js';
import { HnswIndex } from './hnsw-index.js';
import type { VectorIndex } from './vector-index.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function indexPath(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'semroute-hnsw-'));
  dirs.push(dir);
  return path.join(dir, 'index.hnsw');
}

function fill(index: VectorIndex, vectors: readonly Float32Array[]): void {
  vectors.forEach((v, label) => index.add(label, v));
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Saves 50 vectors in 4 dims and returns the file and what a matching load expects. */
function savedIndex(): { file: string; expected: { dims: number; fingerprint: string; count: number } } {
  const file = indexPath();
  const index = new HnswIndex({ dims: 4, capacity: 64 });
  fill(index, randomUnitVectors(50, 4, 6));
  index.save(file, 'fp');
  return { file, expected: { dims: 4, fingerprint: 'fp', count: 50 } };
}

describe('HnswIndex search', () => {
  it('agrees with brute force: recall@10 >= 0.95 on 2,000 random unit vectors in 32 dims', () => {
    const data = randomUnitVectors(2000, 32, 1);
    const hnsw = new HnswIndex({ dims: 32, capacity: 256, seed: 7 });
    const exact = new BruteForceIndex(32);
    fill(hnsw, data);
    fill(exact, data);
    let hits = 0;
    const queries = randomUnitVectors(100, 32, 2);
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
    const many = new HnswIndex({ dims: 8 });
    fill(many, randomUnitVectors(300, 8, 20));
    for (const q of randomUnitVectors(5, 8, 21)) {
      const found = many.search(q, 50);
      expect(found).toHaveLength(50);
      found.forEach((n, i) => {
        expect(Math.abs(n.similarity)).toBeLessThanOrEqual(1);
        if (i > 0) expect(n.similarity).toBeLessThanOrEqual(found[i - 1]?.similarity ?? Infinity);
      });
    }
  });

  it('breaks similarity ties by the smaller label', () => {
    const index = new HnswIndex({ dims: 2 });
    for (const label of [9, 4, 7]) index.add(label, unit(1, 0));
    expect(index.search(unit(1, 0), 3).map((n) => n.label)).toEqual([4, 7, 9]);
  });

  it('clamps k to the size and answers [] when empty or for k <= 0', () => {
    const index = new HnswIndex({ dims: 3, capacity: 2 });
    expect(index.search(unit(1, 0, 0), 5)).toEqual([]);
    index.add(7, unit(0, 1, 0));
    expect(index.search(unit(1, 0, 0), 50)).toHaveLength(1);
    expect(index.search(unit(1, 0, 0), 0)).toEqual([]);
    expect(index.search(unit(1, 0, 0), -1)).toEqual([]);
    index.remove(7);
    expect(index.search(unit(1, 0, 0), 5)).toEqual([]);
  });

  it('returns k results when k exceeds efSearch', () => {
    const index = new HnswIndex({ dims: 8, efSearch: 10 });
    fill(index, randomUnitVectors(200, 8, 22));
    expect(index.search(unit(1, 0, 0, 0, 0, 0, 0, 0), 150)).toHaveLength(150);
    index.setEfSearch(32);
    expect(index.describe().efSearch).toBe(32);
    expect(index.search(unit(1, 0, 0, 0, 0, 0, 0, 0), 10)).toHaveLength(10);
  });
});

describe('HnswIndex updates', () => {
  it('grows past its initial capacity (4 → 100 vectors) and finds every one', () => {
    const vectors = randomUnitVectors(100, 8, 3);
    const index = new HnswIndex({ dims: 8, capacity: 4 });
    fill(index, vectors);
    expect(index.size).toBe(100);
    expect(index.describe()).toMatchObject({ kind: 'hnsw', dims: 8, size: 100, efSearch: 64 });
    expect(index.describe().capacity).toBeGreaterThanOrEqual(100);
    vectors.forEach((v, label) => expect(index.search(v, 1)[0]?.label).toBe(label));
  });

  it('excludes a removed label from results', () => {
    const vectors = randomUnitVectors(100, 8, 23);
    const index = HnswIndex.build(
      vectors.map((vector, label) => ({ label, vector })),
      { dims: 8 },
    );
    index.remove(5);
    index.remove(5);
    index.remove(1000);
    expect(index.has(5)).toBe(false);
    expect(index.size).toBe(99);
    expect(index.search(vectors[5] ?? unit(1), 99).map((n) => n.label)).not.toContain(5);
  });

  it('replaces the vector when a label is added again, live or removed', () => {
    const index = new HnswIndex({ dims: 3 });
    index.add(1, unit(1, 0, 0));
    index.add(2, unit(0, 1, 0));
    index.add(2, unit(0, 0, 1));
    expect(index.size).toBe(2);
    expect(index.search(unit(0, 0, 1), 1)[0]).toMatchObject({ label: 2 });
    expect(index.search(unit(0, 0, 1), 1)[0]?.similarity).toBeCloseTo(1, 5);
    expect(index.search(unit(0, 1, 0), 2).every((n) => n.similarity < 0.5)).toBe(true);
    index.remove(1);
    index.add(1, unit(1, 1, 0));
    expect(index.has(1)).toBe(true);
    expect(index.size).toBe(2);
    expect(index.search(unit(1, 1, 0), 1)[0]?.similarity).toBeCloseTo(1, 5);
  });

  it('throws DIMENSION_MISMATCH for a vector of the wrong length', () => {
    const index = new HnswIndex({ dims: 3 });
    for (const f of [() => index.add(1, unit(1, 0)), () => index.search(unit(1, 0, 0, 0), 1)]) {
      const error = thrown(f);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'DIMENSION_MISMATCH' });
    }
    expect(index.size).toBe(0);
  });

  it('rejects labels hnswlib would wrap (negative, fractional, >= 2^32)', () => {
    const index = new HnswIndex({ dims: 2 });
    for (const label of [-1, 1.5, 2 ** 32]) expect(() => index.add(label, unit(1, 0))).toThrow(RangeError);
  });
});

describe('HnswIndex save and load', () => {
  it('loads to the same neighbours, deletions and settings', () => {
    const file = indexPath();
    const index = new HnswIndex({ dims: 16, capacity: 300, efSearch: 40 });
    fill(index, randomUnitVectors(500, 16, 4));
    index.remove(3);
    index.save(file, 'fp-1');
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['index.hnsw', 'index.hnsw.json']);
    const loaded = HnswIndex.load(file, { dims: 16, fingerprint: 'fp-1', count: 499 });
    if (!loaded.ok) throw new Error(`load failed: ${loaded.reason}`);
    expect(loaded.index.describe()).toEqual(index.describe());
    expect(loaded.index.has(3)).toBe(false);
    for (const q of randomUnitVectors(20, 16, 5)) expect(loaded.index.search(q, 10)).toEqual(index.search(q, 10));
    loaded.index.add(3, unit(...Array.from({ length: 16 }, (_, i) => (i === 0 ? 1 : 0))));
    expect(loaded.index.size).toBe(500);
  });

  it('replaces an existing file and can override efSearch on load', () => {
    const file = indexPath();
    const index = new HnswIndex({ dims: 4 });
    fill(index, randomUnitVectors(10, 4, 24));
    index.save(file, 'first');
    index.add(10, unit(1, 0, 0, 0));
    index.save(file, 'second');
    expect(HnswIndex.load(file, { dims: 4, fingerprint: 'first', count: 10 })).toEqual({ ok: false, reason: 'stale' });
    const loaded = HnswIndex.load(file, { dims: 4, fingerprint: 'second', count: 11 }, { efSearch: 99 });
    expect(loaded.ok && loaded.index.describe()).toMatchObject({ size: 11, efSearch: 99 });
  });

  it('loads an empty index that can then grow', () => {
    const file = indexPath();
    new HnswIndex({ dims: 3, capacity: 8 }).save(file, 'empty');
    const loaded = HnswIndex.load(file, { dims: 3, fingerprint: 'empty', count: 0 });
    if (!loaded.ok) throw new Error(`load failed: ${loaded.reason}`);
    expect(loaded.index.search(unit(1, 0, 0), 3)).toEqual([]);
    fill(loaded.index, randomUnitVectors(20, 3, 25));
    expect(loaded.index.search(unit(1, 0, 0), 30)).toHaveLength(20);
  });

  it('reports a missing file as missing', () => {
    expect(HnswIndex.load(indexPath(), { dims: 4, fingerprint: 'fp', count: 0 })).toEqual({ ok: false, reason: 'missing' });
  });

  it('reports a different dims, fingerprint or count as stale', () => {
    const { file, expected } = savedIndex();
    expect(HnswIndex.load(file, expected).ok).toBe(true);
    expect(HnswIndex.load(file, { ...expected, fingerprint: 'other' })).toEqual({ ok: false, reason: 'stale' });
    expect(HnswIndex.load(file, { ...expected, dims: 8 })).toEqual({ ok: false, reason: 'stale' });
    expect(HnswIndex.load(file, { ...expected, count: 49 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('reports truncated and random-bytes files as unreadable, without crashing', () => {
    const { file, expected } = savedIndex();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
    const rand = seededRandom(26);
    writeFileSync(file, Uint8Array.from({ length: bytes.length }, () => Math.floor(rand() * 256)));
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
    rmSync(`${file}.json`);
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('reports a garbage sidecar as unreadable', () => {
    const { file, expected } = savedIndex();
    writeFileSync(`${file}.json`, '{ not json');
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
    writeFileSync(`${file}.json`, JSON.stringify({ dims: 4 }));
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('refuses a file whose sidecar hash matches but whose graph links point nowhere (hnswlib would segfault)', () => {
    const { file, expected } = savedIndex();
    const bytes = readFileSync(file);
    bytes.writeUInt32LE(0x7fff_fff0, 96 + 4); // first level-0 link of element 0
    if (bytes.readUInt16LE(96) === 0) bytes.writeUInt16LE(1, 96);
    writeFileSync(file, bytes);
    const sidecar: unknown = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(`${file}.json`, JSON.stringify({ ...(sidecar as object), sha256 }));
    expect(HnswIndex.load(file, expected)).toEqual({ ok: false, reason: 'unreadable' });
    expect(existsSync(file)).toBe(true);
  });
});
