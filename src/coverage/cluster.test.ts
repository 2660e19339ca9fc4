import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/random.js';
import { clusterVectors, type Linkage } from './cluster.js';
import { dot } from './vectors.js';

function randomUnit(dims: number, rand: () => number): Float32Array {
  const v = Float32Array.from({ length: dims }, () => rand() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** The textbook O(n³) agglomerative clustering, as the reference the NN-chain must agree with. */
function naive(vectors: readonly Float32Array[], cutoff: number, linkage: Linkage): number[][] {
  let clusters = vectors.map((_, i) => [i]);
  const link = (a: number[], b: number[]) => {
    const sims = a.flatMap((i) => b.map((j) => dot(vectors[i] ?? new Float32Array(0), vectors[j] ?? new Float32Array(0))));
    return linkage === 'average' ? sims.reduce((s, x) => s + x, 0) / sims.length : Math.min(...sims);
  };
  for (;;) {
    let best = { i: -1, j: -1, sim: -Infinity };
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        const sim = link(clusters[i] ?? [], clusters[j] ?? []);
        if (sim > best.sim) best = { i, j, sim };
      }
    if (best.i < 0 || best.sim < cutoff) break;
    const merged = [...(clusters[best.i] ?? []), ...(clusters[best.j] ?? [])];
    clusters = clusters.filter((_, k) => k !== best.i && k !== best.j).concat([merged]);
  }
  return canonical(clusters);
}

function canonical(clusters: number[][]): number[][] {
  return clusters.map((c) => [...c].sort((a, b) => a - b)).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

function partition(labels: readonly number[]): number[][] {
  const byLabel = new Map<number, number[]>();
  labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  return canonical([...byLabel.values()]);
}

describe('clusterVectors', () => {
  it('returns nothing for nothing and one cluster for one vector', () => {
    expect(clusterVectors([], { cutoff: 0.5 })).toEqual([]);
    expect(clusterVectors([new Float32Array([1, 0])], { cutoff: 0.5 })).toEqual([0]);
  });

  it('finds well-separated groups without being told how many, largest first', () => {
    const rand = seededRandom(3);
    const centres = [0, 1, 2].map(() => randomUnit(16, rand));
    const sizes = [3, 6, 4];
    const vectors = sizes.flatMap((size, c) =>
      Array.from({ length: size }, () => {
        const noise = randomUnit(16, rand);
        const v = (centres[c] ?? noise).map((x, d) => x + 0.15 * (noise[d] ?? 0));
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      }),
    );
    const labels = clusterVectors(vectors, { cutoff: 0.8 });
    expect(partition(labels)).toEqual([
      [0, 1, 2],
      [3, 4, 5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    expect(labels[3]).toBe(0);
  });

  it('keeps every vector apart at cut-off 1 and merges everything at cut-off -1', () => {
    const rand = seededRandom(5);
    const vectors = Array.from({ length: 7 }, () => randomUnit(4, rand));
    expect(new Set(clusterVectors(vectors, { cutoff: 1 })).size).toBe(7);
    expect(new Set(clusterVectors(vectors, { cutoff: -1 })).size).toBe(1);
  });

  it.each(['average', 'complete'] as const)('agrees with the naive algorithm under %s linkage', (linkage) => {
    for (const seed of [1, 2, 3, 4]) {
      const rand = seededRandom(seed);
      const vectors = Array.from({ length: 40 }, () => randomUnit(5, rand));
      for (const cutoff of [0.2, 0.5, 0.8]) {
        expect(partition(clusterVectors(vectors, { cutoff, linkage }))).toEqual(naive(vectors, cutoff, linkage));
      }
    }
  });
});
