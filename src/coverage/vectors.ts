import { seededRandom } from '../shared/random.js';

/** Small vector helpers for the coverage analysis; vectors are L2-normalised by the embedder. */

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** The normalised mean of the vectors: its dot product with a member is their cosine similarity. */
export function centroid(vectors: readonly Float32Array[]): Float32Array {
  const dims = vectors[0]?.length ?? 0;
  const c = new Float32Array(dims);
  for (const v of vectors) for (let i = 0; i < dims; i++) c[i] = (c[i] ?? 0) + (v[i] ?? 0);
  let norm = 0;
  for (const x of c) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dims; i++) c[i] = (c[i] ?? 0) / norm;
  return c;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, x) => s + x, 0) / values.length;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A deterministic pseudo-random order of 0..n-1 (Fisher–Yates), for bounded samples. */
export function shuffledIndices(n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] ?? 0, out[i] ?? 0];
  }
  return out;
}

/** Items grouped by their intent, in first-seen order; items without one (`intent: null`) are left out. */
export function groupByIntent<T extends { readonly intent: string | null }, V>(items: Iterable<T>, pick: (item: T) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const item of items) {
    if (item.intent === null) continue;
    const list = groups.get(item.intent) ?? [];
    list.push(pick(item));
    groups.set(item.intent, list);
  }
  return groups;
}
