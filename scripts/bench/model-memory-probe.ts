/**
 * Run by the embed-model section in a process of its own: RSS before loading a transformers model,
 * after loading it (with its warm-up), and after embedding a batch of mixed-length texts, printed as
 * one JSON line. What one copy of the model costs, i.e. what each embedding worker adds.
 * Usage: node --expose-gc --import tsx scripts/bench/model-memory-probe.ts <modelsDir> <modelId> <textsJsonFile> [fp32|q8]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { TransformersEmbedder } from '../../src/embedding/transformers-embedder.js';

const [modelsDir, modelId, textsFile, dtypeArg] = process.argv.slice(2);
if (modelsDir === undefined || modelId === undefined || textsFile === undefined) throw new Error('usage: model-memory-probe.ts <modelsDir> <modelId> <textsJsonFile> [fp32|q8]');
const dtype = z.enum(['fp32', 'q8']).parse(dtypeArg ?? 'fp32');
const texts = z.array(z.string()).parse(JSON.parse(readFileSync(textsFile, 'utf8')));
const gc: unknown = Reflect.get(globalThis, 'gc');
const rss = () => {
  if (typeof gc === 'function') for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().rss;
};
const before = rss();
const embedder = await TransformersEmbedder.create({
  modelId,
  localModelPath: modelsDir,
  cacheDir: path.join(os.tmpdir(), 'semroute-bench-models'),
  allowRemote: false,
  dtype,
  batchSize: 32,
});
const loaded = rss();
await embedder.embed(texts);
const afterBatch = rss();
console.log(JSON.stringify({ before, loaded, afterBatch }));
process.exit(0);
