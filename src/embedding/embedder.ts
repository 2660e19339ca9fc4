/** Turns texts into L2-normalised vectors. One implementation per technology. */
export interface Embedder {
  /** Stable description of what produces the vectors; stored in SQLite to decide re-embedding. */
  readonly fingerprint: EmbedderFingerprint;
  /** Embeds texts in batches; every vector has `fingerprint.dims` entries and unit length. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface EmbedderFingerprint {
  readonly backend: 'transformers' | 'use-lite' | 'lexical';
  readonly modelId: string;
  readonly dims: number;
  readonly pooling: string;
}

export function fingerprintKey(fp: EmbedderFingerprint): string {
  return `${fp.backend}:${fp.modelId}:${fp.dims}:${fp.pooling}`;
}

/** Scales a vector to unit length in place; a zero vector stays zero. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
