import { dot } from './vectors.js';

export type Linkage = 'average' | 'complete';

export interface ClusterOptions {
  /** Clusters are kept apart when their linkage similarity falls below this (cosine). */
  readonly cutoff: number;
  readonly linkage?: Linkage;
  /**
   * Two clusters of at least `minSize` each stay apart, whatever the cut-off, when their mean
   * similarity to each other is below `ratio` × the looser one's mean internal similarity: two
   * tight topics side by side (hiking boots, marathon training) are not one candidate. A smaller
   * group that far from a group of 2+ stays out of it too (orchids and one aquarium question).
   * Average linkage only (its merge height is the mean pairwise distance).
   */
  readonly separation?: { readonly minSize: number; readonly ratio: number };
}

/**
 * Agglomerative clustering of unit vectors with a cosine cut-off, so nobody has to choose k.
 * Uses the nearest-neighbour-chain algorithm: O(n²) time and one condensed n×n distance matrix
 * (Float32, ~n²/2 × 4 bytes), valid because average and complete linkage are reducible. Merges
 * come out of the chain in no particular order; for a reducible linkage the merges at or below
 * the cut-off height form exactly the flat clusters, so a union-find over them gives the cut.
 * Returns a cluster label per vector, 0..k-1, largest cluster first (ties: earliest member).
 */
export function clusterVectors(vectors: readonly Float32Array[], options: ClusterOptions): number[] {
  const n = vectors.length;
  if (n === 0) return [];
  if (n === 1) return [0];
  const linkage = options.linkage ?? 'average';
  // In height order, children come before their parent: the dendrogram bottom-up.
  const merges = nnChain(distanceMatrix(vectors), n, linkage).sort((x, y) => x.height - y.height);
  const maxHeight = 1 - options.cutoff;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while ((parent[r] ?? r) !== r) r = parent[r] ?? r;
    while ((parent[i] ?? i) !== r) [parent[i], i] = [r, parent[i] ?? i];
    return r;
  };
  const separation = linkage === 'average' ? options.separation : undefined;
  const stats = Array.from({ length: n }, () => ({ size: 1, pairSum: 0 }));
  const closed = new Set<number>();
  // The dendrogram names a union by its smaller slot; when a stray was refused, that slot means the group it tried to join.
  const alias = new Map<number, number>();
  const resolve = (slot: number) => find(alias.get(slot) ?? slot);
  for (const m of merges) {
    if (m.height > maxHeight + 1e-9) break;
    const a = resolve(m.a);
    const b = resolve(m.b);
    // Any merge above a refused one would put the refused pair back together: the cut stays below it.
    if (a === b || closed.has(a) || closed.has(b)) continue;
    const sa = stats[a] ?? { size: 1, pairSum: 0 };
    const sb = stats[b] ?? { size: 1, pairSum: 0 };
    const between = 1 - m.height;
    const verdict = separation ? keepApart(sa, sb, between, separation) : 'merge';
    if (verdict === 'both') closed.add(a).add(b);
    if (verdict === 'stray') {
      const [stray, group] = sa.size < sb.size ? [a, b] : [b, a];
      closed.add(stray);
      alias.set(Math.min(m.a, m.b), group);
    }
    if (verdict !== 'merge') continue;
    parent[a] = b;
    stats[b] = { size: sa.size + sb.size, pairSum: sa.pairSum + sb.pairSum + between * sa.size * sb.size };
  }
  return relabelBySize(Array.from({ length: n }, (_, i) => find(i)));
}

/** Mean pairwise similarity inside a cluster of `size` whose pair similarities sum to `pairSum`. */
function within(s: { size: number; pairSum: number }): number {
  return s.size < 2 ? 1 : s.pairSum / ((s.size * (s.size - 1)) / 2);
}

/** A stray is held to a lower bar than a would-be candidate: one odd member costs a topic less than a merge of two. */
const STRAY_SHARE = 0.75;

/**
 * 'both': two would-be candidates too far apart, both stay as they are. 'stray': a small group
 * (under minSize) much further from a group of 2+ than that group's members are from each other;
 * it stays out (scattered) and the group goes on. 'merge' otherwise.
 */
function keepApart(a: { size: number; pairSum: number }, b: { size: number; pairSum: number }, between: number, separation: NonNullable<ClusterOptions['separation']>): 'both' | 'stray' | 'merge' {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size >= separation.minSize) return between < separation.ratio * Math.min(within(a), within(b)) ? 'both' : 'merge';
  if (large.size >= 2 && between < STRAY_SHARE * separation.ratio * within(large)) return 'stray';
  return 'merge';
}

interface Merge {
  readonly a: number;
  readonly b: number;
  readonly height: number;
}

/** Cosine distances (1 − similarity) in a condensed upper triangle. */
function distanceMatrix(vectors: readonly Float32Array[]): Float32Array {
  const n = vectors.length;
  const d = new Float32Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const vi = vectors[i] ?? new Float32Array(0);
    for (let j = i + 1; j < n; j++) d[k++] = 1 - dot(vi, vectors[j] ?? vi);
  }
  return d;
}

function nnChain(d: Float32Array, n: number, linkage: Linkage): Merge[] {
  const at = (i: number, j: number) => (i < j ? n * i - (i * (i + 1)) / 2 + (j - i - 1) : n * j - (j * (j + 1)) / 2 + (i - j - 1));
  const size = new Array<number>(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const merges: Merge[] = [];
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1] ?? 0;
    const prev = chain.length >= 2 ? (chain[chain.length - 2] ?? -1) : -1;
    // Prefer the previous chain element on ties, or the chain could cycle.
    let b = prev;
    let best = prev >= 0 ? (d[at(a, prev)] ?? Infinity) : Infinity;
    for (let x = 0; x < n; x++) {
      if (x === a || active[x] === 0) continue;
      const dx = d[at(a, x)] ?? Infinity;
      if (dx < best) [best, b] = [dx, x];
    }
    if (b !== prev) {
      chain.push(b);
      continue;
    }
    chain.length -= 2;
    merges.push({ a, b, height: best });
    mergeInto(d, { keep: Math.min(a, b), drop: Math.max(a, b), size, active, at, linkage });
    remaining -= 1;
  }
  return merges;
}

/** Lance–Williams update: the kept slot becomes the union; the dropped one leaves. */
function mergeInto(
  d: Float32Array,
  s: { keep: number; drop: number; size: number[]; active: Uint8Array; at: (i: number, j: number) => number; linkage: Linkage },
): void {
  const { keep, drop, size, active, at } = s;
  const nk = size[keep] ?? 1;
  const nd = size[drop] ?? 1;
  for (let x = 0; x < active.length; x++) {
    if (x === keep || x === drop || active[x] === 0) continue;
    const dk = d[at(keep, x)] ?? 0;
    const dd = d[at(drop, x)] ?? 0;
    d[at(keep, x)] = s.linkage === 'complete' ? Math.max(dk, dd) : (nk * dk + nd * dd) / (nk + nd);
  }
  size[keep] = nk + nd;
  active[drop] = 0;
}

/** Labels 0..k-1 with 0 the largest cluster; ties go to the cluster with the earliest member. */
function relabelBySize(roots: readonly number[]): number[] {
  const counts = new Map<number, { count: number; first: number }>();
  roots.forEach((r, i) => {
    const c = counts.get(r);
    if (c) c.count += 1;
    else counts.set(r, { count: 1, first: i });
  });
  const order = [...counts.entries()].sort((x, y) => y[1].count - x[1].count || x[1].first - y[1].first);
  const label = new Map(order.map(([root], i) => [root, i]));
  return roots.map((r) => label.get(r) ?? 0);
}
