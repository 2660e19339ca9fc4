import { seededRandom } from '../shared/random.js';

export interface Projection {
  readonly coords: readonly (readonly [number, number])[];
  /** Share of the total variance along each of the two axes. */
  readonly explained: readonly [number, number];
}

const ITERATIONS = 60;

/**
 * PCA to two dimensions by power iteration on the (implicit) covariance matrix: no d×d matrix is
 * formed, each step is two passes over the points. The second axis is kept orthogonal to the
 * first (deflation). A fixed seed makes the map the same for the same data.
 */
export function projectTo2d(vectors: readonly Float32Array[]): Projection {
  const n = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  if (n === 0 || dims === 0) return { coords: [], explained: [0, 0] };
  const mu = new Float64Array(dims);
  for (const v of vectors) for (let d = 0; d < dims; d++) mu[d] = (mu[d] ?? 0) + (v[d] ?? 0) / n;
  const centred = vectors.map((v) => Float64Array.from({ length: dims }, (_, d) => (v[d] ?? 0) - (mu[d] ?? 0)));
  const totalVariance = centred.reduce((s, x) => s + dot64(x, x), 0) / n;
  const first = principalAxis(centred, []);
  const second = principalAxis(centred, [first.axis]);
  const coords = centred.map((x) => [dot64(x, first.axis), dot64(x, second.axis)] as const);
  const share = (lambda: number) => (totalVariance > 0 ? lambda / totalVariance : 0);
  return { coords, explained: [share(first.lambda), share(second.lambda)] };
}

function principalAxis(centred: readonly Float64Array[], orthogonalTo: readonly Float64Array[]): { axis: Float64Array; lambda: number } {
  const dims = centred[0]?.length ?? 0;
  const rand = seededRandom(17 + orthogonalTo.length);
  let v = normalise(Float64Array.from({ length: dims }, () => rand() - 0.5));
  let lambda = 0;
  for (let it = 0; it < ITERATIONS; it++) {
    const next = new Float64Array(dims);
    for (const x of centred) {
      const p = dot64(x, v);
      for (let d = 0; d < dims; d++) next[d] = (next[d] ?? 0) + p * (x[d] ?? 0);
    }
    for (const u of orthogonalTo) {
      const p = dot64(next, u);
      for (let d = 0; d < dims; d++) next[d] = (next[d] ?? 0) - p * (u[d] ?? 0);
    }
    lambda = Math.sqrt(dot64(next, next)) / centred.length;
    if (lambda === 0) break;
    v = normalise(next);
  }
  return { axis: v, lambda };
}

function dot64(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

function normalise(v: Float64Array): Float64Array {
  const norm = Math.sqrt(dot64(v, v));
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
