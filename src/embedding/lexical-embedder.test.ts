import { describe, expect, it } from 'vitest';
import { fitIdf, LexicalEmbedder } from './lexical-embedder.js';

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

const norm = (v: Float32Array): number => Math.sqrt(dot(v, v));

async function embedAll(embedder: LexicalEmbedder, texts: readonly string[]): Promise<Float32Array[]> {
  const vectors = await embedder.embed(texts);
  expect(vectors).toHaveLength(texts.length);
  return vectors;
}

async function similarity(embedder: LexicalEmbedder, a: string, b: string): Promise<number> {
  const [va, vb] = await embedAll(embedder, [a, b]);
  if (!va || !vb) throw new Error('missing vector');
  return dot(va, vb);
}

describe('LexicalEmbedder', () => {
  const embedder = new LexicalEmbedder();

  it('gives identical vectors for the same text across instances', async () => {
    const text = 'Summarize the quarterly report';
    const [a] = await embedAll(embedder, [text]);
    const [b] = await embedAll(new LexicalEmbedder(), [text]);
    expect(Array.from(b ?? [])).toEqual(Array.from(a ?? []));
  });

  it('returns unit-length vectors for non-empty text', async () => {
    for (const v of await embedAll(embedder, ['hello', 'Write a haiku about autumn', 'x'])) {
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('returns the zero vector for text with no words', async () => {
    for (const v of await embedAll(embedder, ['', '   \n\t', '?!…'])) {
      expect(v).toHaveLength(512);
      expect(v.every((x) => x === 0)).toBe(true);
    }
  });

  it('respects dims, including sizes that are not powers of two', async () => {
    for (const dims of [16, 256, 1000]) {
      const e = new LexicalEmbedder({ dims });
      const [v] = await embedAll(e, ['merge two sorted lists']);
      expect(v).toHaveLength(dims);
      expect(e.fingerprint.dims).toBe(dims);
    }
    expect(() => new LexicalEmbedder({ dims: 0 })).toThrow(RangeError);
  });

  it('puts a paraphrase with shared words closer than an unrelated sentence', async () => {
    const query = 'Write a Python function that merges two sorted lists';
    const paraphrase = await similarity(embedder, query, 'Implement a python function to merge sorted arrays');
    const unrelated = await similarity(embedder, query, 'Recommend a good pair of hiking boots for wide feet');
    expect(paraphrase).toBeGreaterThan(unrelated);
  });

  it('tolerates typos through character n-grams', async () => {
    const clean = 'summarize this article';
    const typo = await similarity(embedder, clean, 'summarize this articel');
    const other = await similarity(embedder, clean, 'summarize this spreadsheet');
    expect(typo).toBeGreaterThan(other);
  });

  it('ignores case and stop words', async () => {
    const query = 'The Invoice of the Customer';
    const sameContent = await similarity(embedder, query, 'INVOICE CUSTOMER');
    const sameFillers = await similarity(embedder, query, 'the invoice of the day');
    expect(sameContent).toBeGreaterThan(sameFillers);
  });

  it('describes itself in its fingerprint', () => {
    expect(embedder.fingerprint).toEqual({ backend: 'lexical', modelId: 'lexical-v1', dims: 512, pooling: 'hashed-tfidf' });
    expect(new LexicalEmbedder({ idf: new Map() }).fingerprint.modelId).toBe('lexical-v1-idf');
  });
});

describe('fitIdf', () => {
  const corpus = [
    'summarize the quarterly report',
    'translate the quarterly memo',
    'draft a quarterly email to investors',
    'review the quarterly budget',
  ];

  it('gives a word that appears everywhere a lower weight than a rare one', () => {
    const idf = fitIdf(corpus);
    const everywhere = idf.get('w:quarterly');
    const rare = idf.get('w:summarize');
    expect(everywhere).toBeDefined();
    expect(rare).toBeDefined();
    expect(everywhere).toBeLessThan(rare ?? 0);
  });

  it('down-weights the shared common word when the embedder uses it', async () => {
    const a = 'summarize the quarterly report';
    const b = 'translate the quarterly memo';
    const plain = await similarity(new LexicalEmbedder(), a, b);
    const weighted = await similarity(new LexicalEmbedder({ idf: fitIdf(corpus) }), a, b);
    expect(weighted).toBeLessThan(plain);
  });

  it('keeps unit length with IDF on, also for features it never saw', async () => {
    const [v] = await embedAll(new LexicalEmbedder({ idf: fitIdf(corpus) }), ['completely novel wording']);
    expect(norm(v ?? new Float32Array())).toBeCloseTo(1, 5);
  });
});
