import {
  assertDims,
  assertLabel,
  clampSimilarity,
  compareNeighbors,
  type IndexDescription,
  type Neighbor,
  type VectorIndex,
} from './vector-index.js';

/**
 * Exact cosine k-NN over unit vectors (a dot product against every stored vector): the reference
 * HNSW is tested against and the exact baseline in benchmarks. Vectors sit densely in one
 * Float32Array (slot i at i * dims); a bounded heap keeps the best k, so a scan is O(n·dims + n·log k).
 */
export class BruteForceIndex implements VectorIndex {
  private data: Float32Array;
  private readonly labels: number[] = [];
  private readonly slotOf = new Map<number, number>();

  constructor(
    readonly dims: number,
    capacity = 1024,
  ) {
    if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}`);
    this.data = new Float32Array(Math.max(1, Math.floor(capacity)) * dims);
  }

  get size(): number {
    return this.labels.length;
  }

  add(label: number, vector: Float32Array): void {
    assertDims(vector, this.dims);
    assertLabel(label);
    let slot = this.slotOf.get(label);
    if (slot === undefined) {
      slot = this.labels.length;
      if ((slot + 1) * this.dims > this.data.length) this.grow();
      this.labels.push(label);
      this.slotOf.set(label, slot);
    }
    this.data.set(vector, slot * this.dims);
  }

  /** Moves the last vector into the freed slot, so the scan stays over a dense prefix. */
  remove(label: number): void {
    const slot = this.slotOf.get(label);
    if (slot === undefined) return;
    const last = this.labels.length - 1;
    const lastLabel = this.labels[last];
    if (slot !== last && lastLabel !== undefined) {
      this.data.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      this.labels[slot] = lastLabel;
      this.slotOf.set(lastLabel, slot);
    }
    this.labels.pop();
    this.slotOf.delete(label);
  }

  has(label: number): boolean {
    return this.slotOf.has(label);
  }

  search(vector: Float32Array, k: number): Neighbor[] {
    assertDims(vector, this.dims);
    const count = this.labels.length;
    const n = Math.min(Math.floor(k), count);
    if (!(n > 0)) return [];
    const top = new TopK(n);
    const sparse = sparseOf(vector);
    if (sparse) {
      for (let slot = 0; slot < count; slot++) top.offer(sparseDotAt(this.data, slot * this.dims, sparse), this.labels[slot] ?? 0);
    } else {
      for (let slot = 0; slot < count; slot++) top.offer(dotAt(this.data, slot * this.dims, vector), this.labels[slot] ?? 0);
    }
    return top.sorted();
  }

  describe(): IndexDescription {
    return { kind: 'brute-force', dims: this.dims, size: this.size, capacity: this.data.length / this.dims };
  }

  private grow(): void {
    const next = new Float32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** Dot product of `data[base .. base + q.length)` with `q`; four accumulators let the CPU overlap the adds. */
function dotAt(data: Float32Array, base: number, q: Float32Array): number {
  const dims = q.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dims; d += 4) {
    const o = base + d;
    s0 += (data[o] ?? 0) * (q[d] ?? 0);
    s1 += (data[o + 1] ?? 0) * (q[d + 1] ?? 0);
    s2 += (data[o + 2] ?? 0) * (q[d + 2] ?? 0);
    s3 += (data[o + 3] ?? 0) * (q[d + 3] ?? 0);
  }
  for (; d < dims; d++) s0 += (data[base + d] ?? 0) * (q[d] ?? 0);
  return s0 + s1 + s2 + s3;
}

/** A query's non-zero coordinates. */
interface SparseQuery {
  readonly index: Int32Array;
  readonly value: Float32Array;
}

/**
 * The non-zero coordinates of `q` when they are under a quarter of them (hashed lexical vectors
 * have ~100 of 1024), else undefined: a scan then costs what the query has, not what the index is wide.
 */
function sparseOf(q: Float32Array): SparseQuery | undefined {
  let nonZero = 0;
  for (let d = 0; d < q.length; d++) if (q[d] !== 0) nonZero++;
  if (nonZero * 4 > q.length) return undefined;
  const index = new Int32Array(nonZero);
  const value = new Float32Array(nonZero);
  for (let d = 0, j = 0; d < q.length; d++) {
    const x = q[d] ?? 0;
    if (x !== 0) {
      index[j] = d;
      value[j++] = x;
    }
  }
  return { index, value };
}

/** Dot product of `data[base ..]` with a sparse query: the same sum as `dotAt`, over its non-zero terms only. */
function sparseDotAt(data: Float32Array, base: number, q: SparseQuery): number {
  const { index, value } = q;
  let s = 0;
  for (let j = 0; j < index.length; j++) s += (data[base + (index[j] ?? 0)] ?? 0) * (value[j] ?? 0);
  return s;
}

/** The best `limit` (similarity, label) pairs seen, as a binary heap with the worst at the root. */
class TopK {
  private readonly sims: Float64Array;
  private readonly labels: Float64Array;
  private length = 0;

  constructor(private readonly limit: number) {
    this.sims = new Float64Array(limit);
    this.labels = new Float64Array(limit);
  }

  offer(similarity: number, label: number): void {
    if (this.length < this.limit) {
      this.sims[this.length] = similarity;
      this.labels[this.length] = label;
      this.siftUp(this.length++);
    } else if (this.worse(0, similarity, label)) {
      this.sims[0] = similarity;
      this.labels[0] = label;
      this.siftDown(0);
    }
  }

  sorted(): Neighbor[] {
    const out: Neighbor[] = [];
    for (let i = 0; i < this.length; i++) {
      out.push({ label: this.labels[i] ?? 0, similarity: clampSimilarity(this.sims[i] ?? 0) });
    }
    return out.sort(compareNeighbors);
  }

  /** Whether the entry at `i` ranks below (similarity, label): lower similarity, or equal and a larger label. */
  private worse(i: number, similarity: number, label: number): boolean {
    const s = this.sims[i] ?? 0;
    return s < similarity || (s === similarity && (this.labels[i] ?? 0) > label);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, this.sims[parent] ?? 0, this.labels[parent] ?? 0)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      let worst = i;
      if (left < this.length && this.worse(left, this.sims[worst] ?? 0, this.labels[worst] ?? 0)) worst = left;
      if (left + 1 < this.length && this.worse(left + 1, this.sims[worst] ?? 0, this.labels[worst] ?? 0)) worst = left + 1;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  private swap(a: number, b: number): void {
    const s = this.sims[a] ?? 0;
    const l = this.labels[a] ?? 0;
    this.sims[a] = this.sims[b] ?? 0;
    this.labels[a] = this.labels[b] ?? 0;
    this.sims[b] = s;
    this.labels[b] = l;
  }
}
