import { describe, expect, it } from 'vitest';
import { LexicalEmbedder } from './lexical-embedder.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

function norm(v: Float32Array): number {
  return Math.sqrt(cosine(v, v));
}

describe('LexicalEmbedder', () => {
  const embedder = new LexicalEmbedder({ dims: 512 });
  const embed = (text: string) => embedder.embedOne(text);

  it('is deterministic across instances and unit-length', () => {
    const a = embed('Summarize the quarterly report');
    expect(Array.from(new LexicalEmbedder({ dims: 512 }).embedOne('Summarize the quarterly report'))).toEqual(Array.from(a));
    expect(a.length).toBe(512);
    expect(norm(a)).toBeCloseTo(1, 5);
  });

  it('gives the zero vector for empty text', () => {
    expect(norm(embed('   '))).toBe(0);
  });

  it('puts a paraphrase with shared words closer than an unrelated sentence', () => {
    const query = embed('Write a Python function that merges two sorted lists');
    const paraphrase = embed('Implement a python function to merge sorted arrays');
    const unrelated = embed('Recommend a good pair of hiking boots for wide feet');
    expect(cosine(query, paraphrase)).toBeGreaterThan(cosine(query, unrelated) + 0.2);
  });

  it('tolerates typos through character n-grams', () => {
    const clean = embed('summarize this article');
    expect(cosine(clean, embed('summarize this articel'))).toBeGreaterThan(cosine(clean, embed('translate this sentence')));
  });

  it('ignores stop words and case', () => {
    expect(cosine(embed('The Invoice of the Customer'), embed('invoice customer'))).toBeGreaterThan(0.8);
  });

  it('names itself in its fingerprint', () => {
    expect(embedder.fingerprint).toMatchObject({ backend: 'lexical', dims: 512 });
  });
});
