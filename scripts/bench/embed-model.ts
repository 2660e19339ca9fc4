import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { Embedder } from '../../src/embedding/embedder.js';
import { TransformersEmbedder } from '../../src/embedding/transformers-embedder.js';
import { ensureBenchModel } from '../make-bench-model.js';
import { ROOT } from './fixtures.js';
import { loadTexts } from './texts.js';

/** One way of feeding the texts to the model: batch size and order. */
export interface BatchingRun {
  readonly order: 'one at a time' | 'input order' | 'grouped by length';
  readonly batchSize: number;
  readonly textsPerSecond: number;
  /** Padded tokens the model ran over ÷ real tokens (1 = no padding), estimated from word counts. */
  readonly paddingFactor: number;
}

export interface EmbedModelResult {
  readonly model: string;
  readonly texts: number;
  readonly words: { readonly min: number; readonly median: number; readonly max: number };
  readonly runs: BatchingRun[];
  readonly memory: { readonly before: number; readonly loaded: number; readonly afterBatch: number };
}

const MemoryLine = z.object({ before: z.number(), loaded: z.number(), afterBatch: z.number() });

/**
 * Mixed lengths like a reference set: CLINC150 utterances, and every 6th text a paragraph of 8–40
 * utterances (about 70–350 words). Deterministic.
 */
export function mixedTexts(data: string, n: number): string[] {
  const pool = loadTexts(data, n * 12).texts.map((t) => t.text);
  let next = 0;
  const take = () => pool[next++ % pool.length] ?? '';
  return Array.from({ length: n }, (_, i) => (i % 6 === 5 ? Array.from({ length: 8 + ((i * 7) % 33) }, take).join('. ') : take()));
}

const words = (t: string) => t.split(/\s+/).filter((w) => w !== '').length;

function paddingFactor(texts: readonly string[], batchSize: number): number {
  let padded = 0;
  let real = 0;
  for (let s = 0; s < texts.length; s += batchSize) {
    const lens = texts.slice(s, s + batchSize).map((t) => Math.min(256, words(t) + 2));
    padded += Math.max(...lens) * lens.length;
    real += lens.reduce((a, b) => a + b, 0);
  }
  return padded / real;
}

async function timeRun(embedder: Embedder, texts: readonly string[], batchSize: number): Promise<number> {
  const start = performance.now();
  for (let s = 0; s < texts.length; s += batchSize) await embedder.embed(texts.slice(s, s + batchSize));
  return texts.length / ((performance.now() - start) / 1000);
}

/** texts/s on the MiniLM-architecture model, by batch size and order; RSS one loaded copy adds (own process). */
export async function measureEmbedModel(opts: { modelsDir: string; data: string; texts: number; batchSizes: readonly number[] }, log: (line: string) => void): Promise<EmbedModelResult> {
  const model = ensureBenchModel(opts.modelsDir, log);
  const texts = mixedTexts(opts.data, opts.texts);
  const grouped = [...texts].sort((a, b) => a.length - b.length);
  const embedder = await TransformersEmbedder.create({
    modelId: model.id,
    localModelPath: model.dir,
    cacheDir: path.join(os.tmpdir(), 'semroute-bench-models'),
    allowRemote: false,
    dtype: 'fp32',
    batchSize: Math.max(...opts.batchSizes),
  });
  await embedder.embed(texts.slice(0, 8));
  const runs: BatchingRun[] = [];
  const record = async (order: BatchingRun['order'], list: readonly string[], batchSize: number) => {
    const textsPerSecond = await timeRun(embedder, list, batchSize);
    runs.push({ order, batchSize, textsPerSecond, paddingFactor: paddingFactor(list, batchSize) });
    log(`  ${order}, batch ${batchSize}: ${textsPerSecond.toFixed(1)} texts/s`);
  };
  await record('one at a time', texts, 1);
  for (const b of opts.batchSizes) {
    await record('input order', texts, b);
    await record('grouped by length', grouped, b);
  }
  const counts = texts.map(words).sort((a, b) => a - b);
  return {
    model: `${model.dir}/${model.id}`,
    texts: texts.length,
    words: { min: counts[0] ?? 0, median: counts[Math.floor(counts.length / 2)] ?? 0, max: counts.at(-1) ?? 0 },
    runs,
    memory: probeMemory(model, texts.slice(0, 32)),
  };
}

function probeMemory(model: { dir: string; id: string }, texts: readonly string[]): EmbedModelResult['memory'] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'semroute-bench-mem-'));
  try {
    const file = path.join(dir, 'texts.json');
    writeFileSync(file, JSON.stringify(texts));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench/model-memory-probe.ts', model.dir, model.id, file], { cwd: ROOT, encoding: 'utf8' });
    return MemoryLine.parse(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
