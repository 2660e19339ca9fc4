/**
 * How well does the router name a prompt's intent from its k nearest references? Measured on data
 * the probe sets never see: the bundled references held out one at a time, and CLINC150 / Banking77
 * (a few train utterances per intent are the references, the val or test split is the traffic).
 * Prints the share of prompts whose intent is right under the router's rule and under alternatives,
 * so a change of rule is justified beyond the probe sets. Datasets are read by path, never copied.
 * Usage: node --import tsx scripts/intent-vote-check.ts [--embedder use-lite|lexical] [--k 10] [--per-intent 20] [--split val|test]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadConfig } from '../src/config/load.js';
import { createEmbedder } from '../src/embedding/create-embedder.js';
import { fingerprintKey } from '../src/embedding/embedder.js';
import { CachingEmbedder } from '../src/eval/caching-embedder.js';
import { cacheFile, loadVectors, saveVectors } from '../src/eval/vector-cache.js';
import { BruteForceIndex } from '../src/index/brute-force-index.js';
import { listSetFiles, readSetFile } from '../src/seeding/reference-file.js';
import { centroid, dot, shuffledIndices } from '../src/coverage/vectors.js';
import { nearestIntentOf } from '../src/routing/coverage.js';
import { parseScriptArgs } from '../src/shared/command-line.js';
import { silentLogger } from '../src/shared/logger.js';
import { machineLine } from './bench-lib.js';
import { loadIntentDataset, type Utterance } from './coverage-experiment-data.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELP = `node --import tsx scripts/intent-vote-check.ts [options]
  --embedder <b>     use-lite | lexical | auto | transformers (default auto)
  --k <n>            neighbours the rule reads (default 10, routing.k's default)
  --per-intent <n>   references per dataset intent, seeded sample of train (default 20; the bundled sets hold ~22)
  --split <s>        dataset traffic: val (CLINC150 only; to choose on) or test (default)
  --data <dir>       dataset folder (default ../shared/data)
  -h, --help`;
const Args = z.object({
  embedder: z.enum(['auto', 'lexical', 'use-lite', 'transformers']).default('auto'),
  k: z.coerce.number().int().min(1).max(100).default(10),
  'per-intent': z.coerce.number().int().min(1).default(20),
  split: z.enum(['val', 'test']).default('test'),
  data: z.string().default(path.resolve(ROOT, '../shared/data')),
});

type Near = { readonly similarity: number; readonly intent: string | null };
/** The prompt's vector and each intent's centroid (held out: without the prompt itself). */
interface Query {
  readonly vector: Float32Array;
  readonly centroids: ReadonlyMap<string, Float32Array>;
}
type Rule = (evidence: readonly Near[], query: Query) => string | null;

const centroidSims = (q: Query): Map<string, number> => new Map([...q.centroids].map(([intent, c]) => [intent, dot(q.vector, c)]));

/** Weighted vote Σ max(0, s)^p (the rule before this script; p = routing.similarityPower). */
const vote = (power: number): Rule => (ev) => {
  const votes = new Map<string, number>();
  ev.forEach((e, i) => e.intent !== null && votes.set(e.intent, (votes.get(e.intent) ?? 0) + Math.max(0, e.similarity) ** power + 1e-9 / (i + 1)));
  return argmax(votes);
};

/** Per intent, the mean of its m highest similarities among the k (missing ones count as the k-th). */
const topMean = (m: number): Rule => (ev) => {
  const floor = ev.at(-1)?.similarity ?? 0;
  const sims = new Map<string, number[]>();
  for (const e of ev) if (e.intent !== null) sims.set(e.intent, [...(sims.get(e.intent) ?? []), e.similarity]);
  const score = new Map([...sims].map(([intent, s]) => {
    const top = s.slice(0, m);
    while (top.length < m) top.push(floor);
    return [intent, top.reduce((a, b) => a + b, 0) / m + 1e-9 * (s[0] ?? 0)] as const;
  }));
  return argmax(score);
};

/** Among the intents in the k: a·(similarity to the intent's centroid) + (1 − a)·(similarity of its nearest reference). */
const blend = (a: number): Rule => (ev, q) => {
  const best = new Map<string, number>();
  for (const e of ev) if (e.intent !== null && !best.has(e.intent)) best.set(e.intent, (1 - a) * e.similarity + a * dot(q.vector, q.centroids.get(e.intent) ?? new Float32Array(0)));
  return argmax(best);
};

function argmax(scores: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  let top = -Infinity;
  for (const [name, s] of scores) if (s > top) [best, top] = [name, s];
  return best;
}

const RULES: readonly (readonly [string, Rule])[] = [
  ['top-1', (ev) => ev[0]?.intent ?? null],
  ...[0, 1, 2, 4, 8, 16].map((p) => [`vote, power ${p}${p === 4 ? ' (the router before)' : ''}`, vote(p)] as const),
  ...[2, 3, 4].map((m) => [`mean of top ${m}`, topMean(m)] as const),
  ['nearest centroid (all intents)', (_, q) => argmax(centroidSims(q))],
  ...[0.25, 0.5, 0.75, 1].map((a) => [`${a} centroid + ${1 - a} nearest, intents in the k`, blend(a)] as const),
  ['the router (nearestIntentOf, centroids)', (ev, q) => nearestIntentOf(ev, { power: 4, centroids: q.centroids, vector: q.vector }).intent],
];

interface Task {
  readonly name: string;
  readonly references: readonly Utterance[];
  readonly queries: readonly Utterance[];
  /** Leave-one-out: queries are the references, each without itself. */
  readonly loo: boolean;
}

function sampleReferences(train: readonly Utterance[], perIntent: number): Utterance[] {
  const out: Utterance[] = [];
  for (const intent of [...new Set(train.map((u) => u.intent))].sort()) {
    const items = train.filter((u) => u.intent === intent);
    out.push(...shuffledIndices(items.length, 1).slice(0, perIntent).flatMap((i) => items[i] ?? []));
  }
  return out;
}

function bundledReferences(): Utterance[] {
  const dir = path.join(ROOT, 'reference-prompts');
  return listSetFiles(dir).flatMap((f) => readSetFile(f).items.flatMap((i) => (i.intent ? [{ text: i.text, intent: i.intent }] : [])));
}

async function main(): Promise<void> {
  const { values } = parseScriptArgs({ options: { embedder: { type: 'string' }, k: { type: 'string' }, 'per-intent': { type: 'string' }, split: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return void console.log(HELP);
  const args = Args.parse(values);
  const config = loadConfig({ env: {}, file: path.join(ROOT, 'router.config.yaml'), overrides: { embedding: { backend: args.embedder, allowRemote: false }, log: { level: 'silent' } } });
  const inner = await createEmbedder(config.embedding, path.join(ROOT, 'data'), silentLogger());
  const cache = cacheFile(path.join(ROOT, 'data/coverage-experiment-cache'), inner.fingerprint);
  const embedder = new CachingEmbedder(inner, { batchSize: 64, onProgress: (d, t) => process.stderr.write(`\rembedding ${d}/${t}${d >= t ? '\n' : ''}`) });
  embedder.preload(loadVectors(cache, inner.fingerprint.dims));
  const refs = bundledReferences();
  const tasks: Task[] = [{ name: 'bundled references (leave-one-out)', references: refs, queries: refs, loo: true }];
  for (const name of ['clinc150', 'banking77'] as const) {
    const ds = loadIntentDataset(name, args.data, 1);
    const split = args.split === 'val' ? ds.val : ds.test;
    if (!split) continue;
    tasks.push({ name: `${name} ${args.split} (${args['per-intent']} train utterances per intent as references)`, references: sampleReferences(ds.train, args['per-intent']), queries: split, loo: false });
  }
  console.log(machineLine());
  console.log(`embedder ${fingerprintKey(inner.fingerprint)}, k ${args.k}`);
  for (const task of tasks) {
    const correct = await runTask(task, embedder, args.k);
    console.log(`\n${task.name}: ${task.queries.length} prompts, ${new Set(task.references.map((r) => r.intent)).size} intents`);
    for (const [name] of RULES) console.log(`  ${name.padEnd(46)} ${((100 * (correct.get(name) ?? 0)) / task.queries.length).toFixed(2)}%`);
  }
  if (embedder.newlyEmbedded > 0) saveVectors(cache, inner.fingerprint.dims, embedder.vectors);
}

async function runTask(task: Task, embedder: CachingEmbedder, k: number): Promise<Map<string, number>> {
  const refVectors = await embedder.embed(task.references.map((r) => r.text));
  const index = new BruteForceIndex(embedder.fingerprint.dims, refVectors.length);
  refVectors.forEach((v, i) => index.add(i, v));
  const queryVectors = task.loo ? refVectors : await embedder.embed(task.queries.map((q) => q.text));
  const byIntent = new Map<string, Float32Array[]>();
  refVectors.forEach((v, i) => {
    const intent = task.references[i]?.intent ?? '';
    const list = byIntent.get(intent) ?? [];
    list.push(v);
    byIntent.set(intent, list);
  });
  const centroids = new Map([...byIntent].map(([intent, vs]) => [intent, centroid(vs)]));
  const correct = new Map<string, number>();
  queryVectors.forEach((v, qi) => {
    const hits = index.search(v, k + 1).filter((n) => !task.loo || n.label !== qi).slice(0, k);
    const evidence = hits.map((n) => ({ similarity: n.similarity, intent: task.references[n.label]?.intent ?? null }));
    const own = task.loo ? (task.references[qi]?.intent ?? '') : null;
    // Held out: the prompt's own intent's centroid without the prompt.
    const query = { vector: v, centroids: own === null ? centroids : new Map([...centroids, [own, centroid((byIntent.get(own) ?? []).filter((x) => x !== v))]]) };
    for (const [name, rule] of RULES) if (rule(evidence, query) === task.queries[qi]?.intent) correct.set(name, (correct.get(name) ?? 0) + 1);
  });
  return correct;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
