import { normalizeInPlace } from '../../src/embedding/embedder.js';
import { gaussian, seededRandom } from '../../src/shared/random.js';

/** mulberry32, re-exported so tests take their PRNG from one place. */
export { seededRandom };

/** `count` vectors drawn uniformly from the unit sphere in `dims` dimensions; the same seed gives the same vectors. */
export function randomUnitVectors(count: number, dims: number, seed: number): Float32Array[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => normalizeInPlace(Float32Array.from({ length: dims }, () => gaussian(rand))));
}

/** The given components, normalised to unit length. */
export function unit(...xs: number[]): Float32Array {
  return normalizeInPlace(Float32Array.from(xs));
}
