import { normalizeInPlace } from '../../src/embedding/embedder.js';
import { gaussian, seededRandom } from '../../src/shared/random.js';

export function randomUnitVectors(count: number, dims: number, seed: number): Float32Array[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => normalizeInPlace(Float32Array.from({ length: dims }, () => gaussian(rand))));
}

export function unit(...xs: number[]): Float32Array {
  return normalizeInPlace(Float32Array.from(xs));
}
