/**
 * What the embedding pool itself costs and saves, measured in one run: the lexical embedder on the
 * event loop at its character budget (the reason it stays in-process), the in-process pool's
 * overhead over the bare embedder (cut + cache key), one text through a worker vs in-process on
 * the same model, and a vector-cache hit vs a miss.
 * Usage: npm run pool-overhead -- [--model-path ~/.cache/semroute/bench-models] [--model-id minilm-l6-arch] [--n 200]
 */
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MAX_CHARS, inProcessPool } from '../src/embedding/create-pool.js';
import type { Embedder } from '../src/embedding/embedder.js';
import { LexicalEmbedder } from '../src/embedding/lexical-embedder.js';
import { BoundedEmbedderPool } from '../src/embedding/pool.js';
import { TransformersEmbedder } from '../src/embedding/transformers-embedder.js';
import { WorkerPool } from '../src/embedding/worker-pool.js';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/shared/logger.js';
import { machineLine, summarize } from './bench-lib.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const { values: args } = parseScriptArgs({
  options: {
    'model-path': { type: 'string', default: path.join(os.homedir(), '.cache/semroute/bench-models') },
    'model-id': { type: 'string', default: 'minilm-l6-arch' },
    n: { type: 'string', default: '200' },
  },
});
const N = Number(args.n);
const WORDS = 'route this request about invoices refunds python code travel plans and the weather tomorrow'.split(' ');
const text = (chars: number, seed: number) => {
  let s = '';
  for (let i = seed; s.length < chars; i++) s += `${WORDS[i % WORDS.length] ?? ''}${i} `;
  return s.slice(0, chars);
};

async function perCall(fn: (i: number) => Promise<unknown>, n = N): Promise<string> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  const s = summarize(samples);
  return `p50 ${s.p50.toFixed(3)} ms, p90 ${s.p90.toFixed(3)} ms (n ${s.n})`;
}

async function main(): Promise<void> {
  console.log(`pool-overhead ${new Date().toISOString()}; ${machineLine()}`);
  const config = loadConfig({ env: {}, overrides: { catalog: [{ id: 'm', provider: 'p', inputPricePer1M: 1, outputPricePer1M: 1, contextWindow: 1000 }], routing: { defaultModel: 'm' } } }).embedding;
  const lexical = new LexicalEmbedder({ dims: config.lexicalDims });
  console.log(`lexical on the event loop, 60-char prompt: ${await perCall((i) => lexical.embed([text(60, i)]))}`);
  console.log(`lexical on the event loop, ${DEFAULT_MAX_CHARS.lexical} chars (its budget): ${await perCall((i) => lexical.embed([text(DEFAULT_MAX_CHARS.lexical, i)]), 50)}`);
  console.log(`lexical on the event loop, 200,000 chars (no budget): ${await perCall((i) => lexical.embed([text(200_000, i)]), 5)}`);
  const lexicalPool = inProcessPool(lexical, { ...config, cache: { ...config.cache, enabled: false } });
  console.log(`lexical through the in-process pool (cut, no cache), 60 chars: ${await perCall((i) => lexicalPool.embed([text(60, i)]))}`);
  const cachedLexical = inProcessPool(lexical, config);
  console.log(`lexical through the in-process pool with cache (miss), 60 chars: ${await perCall((i) => cachedLexical.embed([text(60, i)]))}`);

  const modelOptions = { modelId: args['model-id'], localModelPath: args['model-path'], cacheDir: args['model-path'], allowRemote: false, dtype: 'fp32' as const, batchSize: 8, intraOpThreads: 1 };
  const direct: Embedder = await TransformersEmbedder.create(modelOptions);
  console.log(`${args['model-id']} in-process (1 intra-op thread), short prompt: ${await perCall((i) => direct.embed([text(60, i)]))}`);
  const workers = await WorkerPool.start({ spec: { backend: 'transformers', transformers: modelOptions }, size: 1, maxBatch: 8, maxWaitMs: 2, maxHeapMb: 1024, logger: silentLogger() });
  const pool = BoundedEmbedderPool.inWorkers(workers, { budget: { maxChars: Number.MAX_SAFE_INTEGER, keep: 'head' }, cache: { maxEntries: 10_000, maxBytes: 32 * 2 ** 20 } });
  console.log(`${args['model-id']} through 1 worker, short prompt, cache miss: ${await perCall((i) => pool.embed([text(60, i)]))}`);
  console.log(`${args['model-id']} through 1 worker, short prompt, cache hit: ${await perCall(() => pool.embed([text(60, 0)]))}`);
  console.log(`pool stats: ${JSON.stringify(pool.stats())}`);
  await pool.close();
  console.log(`done ${new Date().toISOString()}; ${machineLine()}`);
}

await main();
