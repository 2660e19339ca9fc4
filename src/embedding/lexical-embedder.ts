import type { Embedder, EmbedderFingerprint } from './embedder.js';
import { normalizeInPlace } from './embedder.js';

export interface LexicalEmbedderOptions {
  /** Hash buckets; more buckets, fewer collisions. */
  dims?: number;
}

/** Words too common to say anything about a prompt's kind; dropped from word and bigram features. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a an the of to in on at for from by with and or but is are was were be been being it its this that these those ' +
    'i me my we our you your he she they them their his her as so if then than do does did can could would should ' +
    'will shall may might must have has had not no yes please').split(' '),
);

const FAMILY_WEIGHT = { word: 1.0, bigram: 0.7, char: 0.5 } as const;

/**
 * A deterministic embedder with no model: hashed word unigrams, word bigrams and character 3–5-grams
 * (fastText-style, with word-boundary markers), sublinear term frequency, signed feature hashing
 * and L2 normalisation. It matches wording rather than meaning; `auto` falls back to it when no
 * transformers model can load. An empty text gives the zero vector (similar to nothing).
 */
export class LexicalEmbedder implements Embedder {
  readonly fingerprint: EmbedderFingerprint;
  private readonly dims: number;

  constructor(options: LexicalEmbedderOptions = {}) {
    this.dims = options.dims ?? 1024;
    this.fingerprint = { backend: 'lexical', modelId: 'lexical-v1', dims: this.dims, pooling: 'hashed-ngrams-sublinear-tf' };
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.dims);
    for (const [key, count] of featureCounts(text)) {
      const family = key.charCodeAt(0) === 119 ? 'word' : key.charCodeAt(0) === 98 ? 'bigram' : 'char';
      const h = fnv1a(key);
      const sign = (h & 0x80000000) === 0 ? 1 : -1;
      const bucket = (h & 0x7fffffff) % this.dims;
      vector[bucket] = (vector[bucket] ?? 0) + sign * FAMILY_WEIGHT[family] * (1 + Math.log(count));
    }
    return normalizeInPlace(vector);
  }
}

/** Lowercased word tokens (letters and digits, Unicode-aware). */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Feature keys are prefixed with their family (w:, b:, c:) so families never collide by key. */
function featureCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const words = tokenize(text);
  const content = words.filter((w) => !STOP_WORDS.has(w));
  for (const w of content) add(`w:${w}`);
  for (let i = 1; i < content.length; i++) add(`b:${content[i - 1]} ${content[i]}`);
  for (const w of words) {
    const padded = `<${w}>`;
    for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`);
  }
  return counts;
}

/** FNV-1a, 32-bit: fast, well-spread, and stable across platforms and releases. */
function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
