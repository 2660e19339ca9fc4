import hnswlib from 'hnswlib-node';

/**
 * hnswlib's own exact scan (C++, SIMD distance): a second, stronger brute-force baseline beside
 * src/index/brute-force-index.ts (plain JS), so a speed-up is not only a measure of slow JavaScript.
 * Only the benchmark uses it.
 */
export class NativeExactScan {
  private readonly native: hnswlib.BruteforceSearch;

  constructor(dims: number, capacity: number) {
    this.native = new hnswlib.BruteforceSearch('cosine', dims);
    this.native.initIndex(Math.max(1, capacity));
  }

  add(label: number, vector: Float32Array): void {
    this.native.addPoint(Array.from(vector), label);
  }

  /** Labels of the k nearest, most similar first. */
  search(vector: Float32Array, k: number): number[] {
    const { neighbors, distances } = this.native.searchKnn(Array.from(vector), k);
    return neighbors.map((label, i) => ({ label, d: distances[i] ?? 2 })).sort((a, b) => a.d - b.d).map((n) => n.label);
  }
}
