import { AppError } from '../shared/errors.js';

/** One nearest neighbour: the label is a reference prompt id; similarity is cosine in [-1, 1]. */
export interface Neighbor {
  readonly label: number;
  readonly similarity: number;
}

/**
 * Integer-labelled unit vectors with k-NN search. Implementations: HNSW (serving) and brute force (reference).
 * Labels are integers in [0, 2^32) (hnswlib stores them as uint32).
 */
export interface VectorIndex {
  readonly dims: number;
  /** Number of live (not deleted) vectors. */
  readonly size: number;
  /** Adds or replaces the vector for `label`; grows capacity as needed. */
  add(label: number, vector: Float32Array): void;
  remove(label: number): void;
  has(label: number): boolean;
  /** Up to k neighbours, most similar first (ties: smaller label first); k larger than the index is clamped, k <= 0 gives []. */
  search(vector: Float32Array, k: number): Neighbor[];
  describe(): IndexDescription;
}

export interface IndexDescription {
  readonly kind: 'hnsw' | 'brute-force';
  readonly dims: number;
  readonly size: number;
  readonly capacity: number;
  readonly efSearch?: number;
}

export const MAX_LABEL = 0xffff_ffff;

/** Both implementations enforce the same contract: a wrong-length vector is a DIMENSION_MISMATCH. */
export function assertDims(vector: Float32Array, dims: number): void {
  if (vector.length !== dims) {
    throw new AppError('DIMENSION_MISMATCH', `vector has ${vector.length} dimensions, the index ${dims}`);
  }
}

/** A label outside [0, 2^32) would be silently wrapped by hnswlib; it is a programming fault. */
export function assertLabel(label: number): void {
  if (!Number.isInteger(label) || label < 0 || label > MAX_LABEL) {
    throw new RangeError(`index labels are integers in [0, ${MAX_LABEL}], got ${label}`);
  }
}

/** Orders neighbours most similar first, ties by smaller label. */
export function compareNeighbors(a: Neighbor, b: Neighbor): number {
  return b.similarity - a.similarity || a.label - b.label;
}

/** Clamps float rounding (a unit vector against itself can give 1.0000001) into [-1, 1]. */
export function clampSimilarity(similarity: number): number {
  return similarity > 1 ? 1 : similarity < -1 ? -1 : similarity;
}
