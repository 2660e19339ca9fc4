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

/** The model files compared: fp32 (onnx/model.onnx) and q8 (onnx/model_quantized.onnx, int8 weights). */
export const EMBED_DTYPES = ['fp32', 'q8'] as const;
export type EmbedDtype = (typeof EMBED_DTYPES)[number];

/** One way of feeding the texts to the model: dtype, batch size and order. */
export interface BatchingRun {
  readonly order: 'one at a time' | 'input order' | 'grouped by length';
  readonly batchSize: number;
  readonly dtype: EmbedDtype;
  readonly textsPerSecond: number;
  /** Padded tokens the model ran over ÷ real tokens (1 = no padding), estimated from word counts. */
  readonly paddingFactor: number;
}

export interface EmbedModelResult {
  readonly model: string;
  readonly texts: number;
  readonly words: { readonly min: number; readonly median: number; readonly max: number };
  readonly dtypes: readonly EmbedDtype[];
  readonly runs: BatchingRun[];
  readonly agreement: readonly Agreement[];
  readonly memory: readonly ({ readonly dtype: EmbedDtype } & z.infer<typeof MemoryLine>)[];
}

/**
 * How far a dtype's vectors move (1 − cos): from the first dtype's (fp32) for the same text alone, and
 * between a text in a length-grouped batch of 8 and the same text alone. The weights are random, so
 * this is a sanity check of the quantised file, not a measure of its retrieval quality.
 */
export interface Agreement {
  readonly dtype: EmbedDtype;
  readonly texts: number;
  /** Largest 1 − cos to the first dtype's vector; null for the first dtype itself. */
  readonly maxDistanceToFirst: number | null;
  readonly maxBatchDistance: number;
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

type Loaded = readonly { readonly dtype: EmbedDtype; readonly embedder: Embedder }[];

/**
 * texts/s on the MiniLM-architecture model, by dtype, batch size and order; RSS one loaded copy adds
 * (own process). Each configuration runs every dtype back to back, alternating which goes first, so
 * load on the machine hits them alike.
 */
export async function measureEmbedModel(
  opts: { modelsDir: string; data: string; texts: number; batchSizes: readonly number[]; dtypes: readonly EmbedDtype[] },
  log: (line: string) => void,
): Promise<EmbedModelResult> {
  const model = ensureBenchModel(opts.modelsDir, log);
  const texts = mixedTexts(opts.data, opts.texts);
  const loaded = await loadModels(model, opts.dtypes, { batchSize: Math.max(...opts.batchSizes), warmUp: texts.slice(0, 8) });
  const runs = await timeConfigurations(loaded, texts, opts.batchSizes, log);
  const agreement = await measureAgreement(loaded, texts.slice(0, 48));
  for (const a of agreement) log(`  ${a.dtype}: 1 − cos to ${opts.dtypes[0] ?? ''} ≤ ${a.maxDistanceToFirst?.toExponential(1) ?? '–'}, batched vs alone ≤ ${a.maxBatchDistance.toExponential(1)}`);
  const counts = texts.map(words).sort((a, b) => a - b);
  return {
    model: `${model.dir}/${model.id}`,
    texts: texts.length,
    words: { min: counts[0] ?? 0, median: counts[Math.floor(counts.length / 2)] ?? 0, max: counts.at(-1) ?? 0 },
    dtypes: opts.dtypes,
    runs,
    agreement,
    memory: opts.dtypes.map((dtype) => ({ dtype, ...probeMemory(model, dtype, texts.slice(0, 32)) })),
  };
}

async function loadModels(model: { dir: string; id: string }, dtypes: readonly EmbedDtype[], opts: { batchSize: number; warmUp: readonly string[] }): Promise<Loaded> {
  const loaded: { dtype: EmbedDtype; embedder: Embedder }[] = [];
  for (const dtype of dtypes) {
    const embedder = await TransformersEmbedder.create({
      modelId: model.id,
      localModelPath: model.dir,
      cacheDir: path.join(os.tmpdir(), 'semroute-bench-models'),
      allowRemote: false,
      dtype,
      batchSize: opts.batchSize,
    });
    await embedder.embed(opts.warmUp);
    loaded.push({ dtype, embedder });
  }
  return loaded;
}

/** One at a time, then each batch size in input order and grouped by length; every dtype per configuration. */
async function timeConfigurations(loaded: Loaded, texts: readonly string[], batchSizes: readonly number[], log: (line: string) => void): Promise<BatchingRun[]> {
  const grouped = [...texts].sort((a, b) => a.length - b.length);
  const configs: [BatchingRun['order'], readonly string[], number][] = [
    ['one at a time', texts, 1],
    ...batchSizes.flatMap((b): [BatchingRun['order'], readonly string[], number][] => [['input order', texts, b], ['grouped by length', grouped, b]]),
  ];
  const runs: BatchingRun[] = [];
  for (const [i, [order, list, batchSize]] of configs.entries()) {
    for (const { dtype, embedder } of i % 2 === 0 ? loaded : [...loaded].reverse()) {
      const textsPerSecond = await timeRun(embedder, list, batchSize);
      runs.push({ order, batchSize, dtype, textsPerSecond, paddingFactor: paddingFactor(list, batchSize) });
      log(`  ${dtype}, ${order}, batch ${batchSize}: ${textsPerSecond.toFixed(1)} texts/s`);
    }
  }
  return runs;
}

function distance(a: Float32Array | undefined, b: Float32Array | undefined): number {
  let dot = 0;
  for (let i = 0; i < (a?.length ?? 0); i++) dot += (a?.[i] ?? 0) * (b?.[i] ?? 0);
  return 1 - dot;
}

async function measureAgreement(embedders: Loaded, texts: readonly string[]): Promise<Agreement[]> {
  const byLength = texts.map((text, i) => ({ text, i })).sort((a, b) => a.text.length - b.text.length);
  const results: { dtype: EmbedDtype; alone: Float32Array[]; batched: Float32Array[] }[] = [];
  for (const { dtype, embedder } of embedders) {
    const alone: Float32Array[] = [];
    for (const text of texts) alone.push(...(await embedder.embed([text])));
    const batched: Float32Array[] = [];
    for (let s = 0; s < byLength.length; s += 8) {
      const group = byLength.slice(s, s + 8);
      (await embedder.embed(group.map((g) => g.text))).forEach((v, k) => (batched[group[k]?.i ?? 0] = v));
    }
    results.push({ dtype, alone, batched });
  }
  const first = results[0];
  return results.map((r) => ({
    dtype: r.dtype,
    texts: texts.length,
    maxDistanceToFirst: r === first ? null : Math.max(...r.alone.map((v, i) => distance(v, first?.alone[i]))),
    maxBatchDistance: Math.max(...r.batched.map((v, i) => distance(v, r.alone[i]))),
  }));
}

function probeMemory(model: { dir: string; id: string }, dtype: EmbedDtype, texts: readonly string[]): z.infer<typeof MemoryLine> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'semroute-bench-mem-'));
  try {
    const file = path.join(dir, 'texts.json');
    writeFileSync(file, JSON.stringify(texts));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench/model-memory-probe.ts', model.dir, model.id, file, dtype], { cwd: ROOT, encoding: 'utf8' });
    return MemoryLine.parse(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
