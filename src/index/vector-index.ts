/** One nearest neighbour: the label is a reference prompt id; similarity is cosine in [-1, 1]. */
export interface Neighbor {
  readonly label: number;
  readonly similarity: number;
}

/** Integer-labelled unit vectors with k-NN search. Implementations: HNSW (serving) and brute force (reference). */
export interface VectorIndex {
  readonly dims: number;
  /** Number of live (not deleted) vectors. */
  readonly size: number;
  /** Adds or replaces the vector for `label`; grows capacity as needed. */
  add(label: number, vector: Float32Array): void;
  remove(label: number): void;
  has(label: number): boolean;
  /** Up to k neighbours, most similar first; k larger than the index is clamped. */
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
