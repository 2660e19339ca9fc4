import type { Embedder, EmbedderFingerprint } from './embedder.js';
import { normalizeInPlace } from './embedder.js';

export interface LexicalEmbedderOptions {
  /** Hash buckets, i.e. vector length. More buckets, fewer collisions. Default 512. */
  readonly dims?: number;
  /**
   * IDF weight per feature key, usually from {@link fitIdf} on the reference prompts. Features missing
   * from the table weigh as much as its rarest feature. Off by default: on CLINC150 1-NN it costs
   * accuracy (rare words such as names and numbers end up dominating the reference vectors).
   */
  readonly idf?: ReadonlyMap<string, number>;
}

/** Default vector length: on CLINC150 1-NN, 1024 or more buckets gain under a point over 512. */
export const DEFAULT_LEXICAL_DIMS = 512;

/** Words too common to say anything about a prompt's kind; dropped from word and bigram features only. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a an the of to in on at for from by with and or but is are was were be been being it its this that these those ' +
    'i me my we our you your he she they them their his her as so if then than do does did can could would should ' +
    'will shall may might must have has had not no yes please').split(' '),
);

/**
 * Feature families, keyed by the one-letter prefix of a feature key: `w:` word unigram, `b:` word
 * bigram, `c:` character n-gram. Weights were checked on CLINC150 (see the project notes); the
 * accuracy surface around them is flat, so they stay at the simple values.
 */
const FAMILY_WEIGHT: Readonly<Record<string, number>> = { w: 1.0, b: 0.7, c: 0.5 };
const CHAR_NGRAM_MIN = 3;
const CHAR_NGRAM_MAX = 5;

/**
 * A deterministic embedder with no model, used when no transformers model can load and in benchmarks.
 * Features are lowercased word unigrams and bigrams (stop words removed) and fastText-style character
 * 3–5-grams of every word padded with `<` and `>`. Each feature's weight is its family weight times
 * sublinear term frequency (1 + ln tf), times its IDF when a table is given; features are hashed
 * into `dims` buckets with a sign taken from another bit of the hash (so collisions cancel rather
 * than pile up), and the vector is L2-normalised. It matches wording, not meaning.
 *
 * A text with no letters or digits (empty, whitespace, punctuation) has no features and yields the
 * zero vector, the one exception to the interface's unit length: its cosine with anything is 0, so it
 * is never close to ("covered by") any reference prompt.
 */
export class LexicalEmbedder implements Embedder {
  readonly fingerprint: EmbedderFingerprint;
  private readonly dims: number;
  private readonly idf: ReadonlyMap<string, number> | undefined;
  private readonly unseenIdf: number;

  constructor(options: LexicalEmbedderOptions = {}) {
    const dims = options.dims ?? DEFAULT_LEXICAL_DIMS;
    if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`dims must be a positive integer, got ${dims}`);
    this.dims = dims;
    this.idf = options.idf;
    this.unseenIdf = options.idf ? maxValue(options.idf) : 1;
    const modelId = options.idf ? 'lexical-v1-idf' : 'lexical-v1';
    this.fingerprint = { backend: 'lexical', modelId, dims, pooling: 'hashed-tfidf' };
  }

  /** Computes synchronously; async only to satisfy {@link Embedder}. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.vectorFor(text));
  }

  private vectorFor(text: string): Float32Array {
    const vector = new Float32Array(this.dims);
    for (const [key, tf] of featureCounts(text)) {
      const h = fnv1a(key);
      const sign = (h & 0x80000000) === 0 ? 1 : -1;
      const bucket = (h & 0x7fffffff) % this.dims;
      const weight = familyWeight(key) * (1 + Math.log(tf)) * this.idfOf(key);
      vector[bucket] = (vector[bucket] ?? 0) + sign * weight;
    }
    return normalizeInPlace(vector);
  }

  private idfOf(key: string): number {
    return this.idf ? (this.idf.get(key) ?? this.unseenIdf) : 1;
  }
}

/**
 * Smoothed IDF, `ln((1 + N) / (1 + df)) + 1`, for every feature key that occurs in `texts` (N texts;
 * df = how many of them contain the feature). Pass the result as `idf` to {@link LexicalEmbedder}.
 * The fingerprint says only that IDF is on, not which table: a caller that refits must re-embed.
 */
export function fitIdf(texts: readonly string[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const text of texts) for (const key of featureCounts(text).keys()) df.set(key, (df.get(key) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [key, count] of df) idf.set(key, Math.log((1 + texts.length) / (1 + count)) + 1);
  return idf;
}

/** Lowercased word tokens (runs of letters and digits, Unicode-aware, NFKC-normalised). */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Feature key → count. Keys carry their family prefix (`w:`, `b:`, `c:`), so families never collide
 * by key and {@link fitIdf} tables line up with what the embedder looks up.
 */
function featureCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const words = tokenize(text);
  const content = words.filter((w) => !STOP_WORDS.has(w));
  for (const w of content) add(`w:${w}`);
  for (let i = 1; i < content.length; i++) add(`b:${content[i - 1] ?? ''} ${content[i] ?? ''}`);
  for (const w of words) {
    const padded = `<${w}>`;
    for (let n = CHAR_NGRAM_MIN; n <= CHAR_NGRAM_MAX; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`);
    }
  }
  return counts;
}

function familyWeight(key: string): number {
  return FAMILY_WEIGHT[key.charAt(0)] ?? 0;
}

function maxValue(table: ReadonlyMap<string, number>): number {
  let max = 1;
  for (const v of table.values()) if (v > max) max = v;
  return max;
}

/** FNV-1a, 32-bit: fast, well spread, and stable across platforms and releases. */
function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
