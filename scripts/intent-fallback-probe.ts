/**
 * What each fallback ranking would score on RouterDC's test groups, per group, against the group's
 * best single model (the margin `npm run eval` reports for knn-winrate when costs are equal). It
 * replays, without the router, the choice the policy makes when it does not follow the neighbours
 * (gap threshold ∞): the prompt's intent by the router's own rule (`nearestIntentOf` over the 10
 * nearest references, centroid blend) ranked by `rankingRate`. With USE Lite that column equals the
 * eval's knn-winrate margins at 42c3436, whose fit chose ∞ for every intent. The other columns are
 * the alternatives tried for issue 17's out-of-distribution groups, all fitted on the training rows:
 *
 * - across intents: each model's rate averaged over intents (each intent counts once);
 * - all references: each model's rate over all training rows (the global ranking);
 * - unsure@q → across: the across-intent ranking when the share of the prompt's k nearest (weights
 *   (s/s_top)^power) that belong to its intent is below the q-quantile of that share among the
 *   intent's own training rows (leave-one-out, every third row), else the intent's ranking;
 * - neighbours: the neighbours' Beta posterior around the intent's rate (priorStrength 2), i.e. gap 0.
 *
 * Usage: node --import tsx scripts/intent-fallback-probe.ts [--embedder lexical|use-lite] [--data <dir>]
 *        [--cache-dir data/eval-cache] [--k 50] [--power 4] [--quantiles 0.02,0.1]
 * USE Lite vectors come from the eval's cache (run `npm run eval -- --dataset routerdc` once first).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigSchema } from '../src/config/schema.js';
import { LexicalEmbedder } from '../src/embedding/lexical-embedder.js';
import { loadRouterdc } from '../src/eval/datasets/routerdc.js';
import type { EvalRow } from '../src/eval/types.js';
import { cacheFile, loadVectors, textKey } from '../src/eval/vector-cache.js';
import { nearestIntentOf } from '../src/routing/coverage.js';
import { rankingRate, successRate } from '../src/routing/ranking.js';
import type { WinRecord } from '../src/store/types.js';
import { machineLine } from './bench-lib.js';

const { values } = parseArgs({
  options: {
    embedder: { type: 'string', default: 'lexical' },
    data: { type: 'string', default: path.resolve('../shared/data/routerdc_7model') },
    'cache-dir': { type: 'string', default: 'data/eval-cache' },
    k: { type: 'string', default: '50' },
    power: { type: 'string', default: '4' },
    quantiles: { type: 'string', default: '0.02,0.1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('node --import tsx scripts/intent-fallback-probe.ts [--embedder lexical|use-lite] [--data <dir>] [--cache-dir <dir>] [--k 50] [--power 4] [--quantiles 0.02,0.1]');
  process.exit(0);
}
const K = Number(values.k);
const POWER = Number(values.power);
/** The router's coverage k and vote power (routing.k, routing.similarityPower defaults). */
const INTENT_K = 10;
const PRIOR_STRENGTH = 2;

const dataset = loadRouterdc(values.data);
const models = dataset.models;
const vectors = await embedAll(dataset.rows.map((r) => r.prompt));
const train = dataset.rows.filter((r) => r.split === 'train');
const test = dataset.rows.filter((r) => r.split === 'test');
const trainVectors = train.map((r) => vectorOf(r.prompt));
const intents = [...new Set(train.map((r) => r.group ?? ''))];
const totals = recordTotals(train);
const globalRates = models.map((m) => successRate(totals.get('')?.get(m)));
const intentRates = new Map(intents.map((it) => [it, models.map((m, j) => rankingRate(globalRates[j] ?? 0.5, totals.get(it)?.get(m)))]));
const acrossRates = models.map((_, j) => mean(intents.map((it) => intentRates.get(it)?.[j] ?? 0)));
const centroids = new Map(intents.map((it) => [it, centroid(train.flatMap((r, i) => (r.group === it ? [trainVectors[i] ?? new Float32Array()] : [])))]));
const quantiles = values.quantiles.split(',').map(Number);
const floors = purityFloors(quantiles);

console.log(machineLine());
console.log(`RouterDC, ${values.embedder}: ${train.length} training rows (${intents.join(', ')}), ${test.length} test rows; k ${K}, power ${POWER}`);
const columns = ['intent', 'across intents', 'all references', ...quantiles.map((q) => `unsure@${q} → across`), 'neighbours'];
const sums = new Map<string, Map<string, number>>();
for (const row of test) {
  const f = features(vectorOf(row.prompt), -1);
  const scoreOf = (rates: readonly number[]) => row.outcomes[models[argmax(rates)] ?? ''] ?? 0;
  const intentChoice = scoreOf(intentRates.get(f.intent) ?? globalRates);
  const picks = [intentChoice, scoreOf(acrossRates), scoreOf(globalRates), ...quantiles.map((q, i) => (f.purity < (floors[i]?.get(f.intent) ?? -1) ? scoreOf(acrossRates) : intentChoice)), scoreOf(neighbourEstimate(f))];
  for (const group of [row.group ?? '', 'all']) {
    const s = sums.get(group) ?? new Map<string, number>();
    sums.set(group, s);
    add(s, 'n', 1);
    columns.forEach((c, i) => add(s, c, picks[i] ?? 0));
    models.forEach((m) => add(s, `model:${m}`, row.outcomes[m] ?? 0));
    add(s, `as:${f.intent}`, 1);
  }
}
console.log(`\nmargin = mean score of the choice − the group's best single model (on its test rows)\n${['group'.padEnd(16), ...columns.map((c) => c.padStart(Math.max(10, c.length)))].join('  ')}  nearest intent`);
for (const [group, s] of [...sums].sort(([a], [b]) => a.localeCompare(b))) {
  const n = s.get('n') ?? 1;
  const best = Math.max(...models.map((m) => (s.get(`model:${m}`) ?? 0) / n));
  const cells = columns.map((c) => signed((s.get(c) ?? 0) / n - best).padStart(Math.max(10, c.length)));
  const assigned = [...s].filter(([k]) => k.startsWith('as:')).map(([k, v]) => `${k.slice(3)} ${((100 * v) / n).toFixed(0)}%`);
  console.log(`${group.padEnd(16)}  ${cells.join('  ')}  ${assigned.join(', ')}`);
}
console.log(`\nacross intents picks ${models[argmax(acrossRates)]}; all references picks ${models[argmax(globalRates)]}`);

async function embedAll(texts: readonly string[]): Promise<Map<string, Float32Array>> {
  if (values.embedder === 'lexical') {
    const lexical = new LexicalEmbedder({ dims: ConfigSchema.shape.embedding.parse({}).lexicalDims });
    const out = await lexical.embed(texts);
    return new Map(texts.map((t, i) => [textKey(t), out[i] ?? new Float32Array()]));
  }
  if (values.embedder !== 'use-lite') throw new Error(`--embedder must be lexical or use-lite, got ${values.embedder}`);
  const file = cacheFile(values['cache-dir'], { backend: 'use-lite', modelId: 'universal-sentence-encoder-lite@0.2.0', dims: 512, pooling: 'use' });
  return loadVectors(file, 512);
}

function vectorOf(text: string): Float32Array {
  const v = vectors.get(textKey(text));
  if (!v) throw new Error(`no vector for a prompt; with use-lite run 'npm run eval -- --dataset routerdc' once to fill ${values['cache-dir']}`);
  return v;
}

/** Per intent ('' = all rows), per model: wins = score, losses = 1 − score (the eval's `success` records). */
function recordTotals(rows: readonly EvalRow[]): Map<string, Map<string, WinRecord>> {
  const out = new Map<string, Map<string, WinRecord>>();
  for (const row of rows) {
    for (const key of ['', row.group ?? '']) {
      const byModel = out.get(key) ?? new Map<string, WinRecord>();
      out.set(key, byModel);
      for (const m of models) {
        const score = row.outcomes[m];
        if (score === undefined || score === null) continue;
        const r = byModel.get(m) ?? { wins: 0, losses: 0, ties: 0 };
        byModel.set(m, { wins: r.wins + score, losses: r.losses + 1 - score, ties: 0 });
      }
    }
  }
  return out;
}

interface Features {
  readonly nearest: { index: number; similarity: number }[];
  readonly intent: string;
  readonly purity: number;
}

/** The k nearest training rows (`skip` left out), the router's intent for them, and that intent's weight share. */
function features(vector: Float32Array, skip: number): Features {
  const nearest = trainVectors
    .map((t, index) => ({ index, similarity: index === skip ? -Infinity : dot(vector, t) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, Math.max(K, INTENT_K));
  const evidence = nearest.map((n) => ({ similarity: n.similarity, intent: train[n.index]?.group ?? null }));
  const intent = nearestIntentOf(evidence.slice(0, INTENT_K), { power: POWER, centroids, vector }).intent ?? '';
  const top = Math.max(0, nearest[0]?.similarity ?? 0);
  let own = 0;
  let all = 0;
  for (const n of nearest.slice(0, K)) {
    const w = top === 0 ? 0 : (Math.max(0, n.similarity) / top) ** POWER;
    all += w;
    if (train[n.index]?.group === intent) own += w;
  }
  return { nearest, intent, purity: all === 0 ? 0 : own / all };
}

/** Per quantile, per intent: that quantile of the intent's own rows' purity (leave-one-out, every third row). */
function purityFloors(qs: readonly number[]): Map<string, number>[] {
  const byIntent = new Map<string, number[]>();
  train.forEach((row, i) => {
    if (i % 3 !== 0) return;
    const f = features(trainVectors[i] ?? new Float32Array(), i);
    if (f.intent !== row.group) return;
    byIntent.set(f.intent, [...(byIntent.get(f.intent) ?? []), f.purity]);
  });
  return qs.map((q) => new Map([...byIntent].map(([it, xs]) => [it, [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? 0])));
}

/** The neighbours' Beta posterior around the intent's ranking rate, as `decide` computes quality. */
function neighbourEstimate(f: Features): number[] {
  const top = Math.max(0, f.nearest[0]?.similarity ?? 0);
  const prior = intentRates.get(f.intent) ?? globalRates;
  return models.map((m, j) => {
    let wins = 0;
    let weight = 0;
    for (const n of f.nearest.slice(0, K)) {
      const w = top === 0 ? 0 : (Math.max(0, n.similarity) / top) ** POWER;
      wins += w * (train[n.index]?.outcomes[m] ?? 0);
      weight += w;
    }
    return (wins + PRIOR_STRENGTH * (prior[j] ?? 0.5)) / (weight + PRIOR_STRENGTH);
  });
}

function centroid(vs: readonly Float32Array[]): Float32Array {
  const c = new Float32Array(vs[0]?.length ?? 0);
  for (const v of vs) v.forEach((x, d) => (c[d] = (c[d] ?? 0) + x));
  const norm = Math.hypot(...c) || 1;
  return c.map((x) => x / norm);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** Index of the largest value; ties go to the first (models are sorted by id). */
function argmax(xs: readonly number[]): number {
  return xs.reduce((best, x, i) => (x > (xs[best] ?? -Infinity) ? i : best), 0);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function add(m: Map<string, number>, key: string, v: number): void {
  m.set(key, (m.get(key) ?? 0) + v);
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
}
