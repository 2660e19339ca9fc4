/**
 * How well does the coverage report find what the references do not know? A share of a labelled
 * intent dataset's intents is "known" (their train utterances become the references); the eval
 * split of *every* intent is sent through the real router as traffic. Reported: recall of the
 * uncovered flag on unknown-intent traffic, false flags on known-intent traffic (at the router's
 * calibrated threshold and over the whole trade-off curve), and how cleanly the report's candidate
 * clusters recover the unknown intents. `--tune` adds the grids the defaults were chosen from
 * (run it on --split val). Datasets are read at run time by path, never copied.
 * Usage: node --import tsx scripts/coverage-experiment.ts --dataset clinc150|banking77|<file.jsonl> [options] (--help)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { bootstrap, buildRouter, type Deps } from '../src/cli/bootstrap.js';
import { loadConfig } from '../src/config/load.js';
import { analyzeCoverageWithMembers } from '../src/coverage/analyze.js';
import { calibrateCoverageThreshold } from '../src/coverage/calibrate.js';
import { collectCoverageInput } from '../src/coverage/collect.js';
import { auroc, clusterQuality, flagRates, tradeoffCurve, type ScoredItem } from '../src/coverage/detection-quality.js';
import { DEFAULT_COVERAGE_OPTIONS, type CoverageInput } from '../src/coverage/types.js';
import { createEmbedder } from '../src/embedding/create-embedder.js';
import { fingerprintKey } from '../src/embedding/embedder.js';
import { CachingEmbedder } from '../src/eval/caching-embedder.js';
import { cacheFile, loadVectors, saveVectors } from '../src/eval/vector-cache.js';
import { silentLogger } from '../src/shared/logger.js';
import { contentHash } from '../src/store/content-hash.js';
import { machineLine } from './bench-lib.js';
import { loadIntentDataset, pickKnownIntents, type Utterance } from './coverage-experiment-data.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELP = `node --import tsx scripts/coverage-experiment.ts --dataset clinc150|banking77|<file.jsonl> [options]
  --known-share <x>        share of intents the references know (default 0.5)
  --seed <n>               which intents are known (default 1)
  --embedder <b>           auto | lexical | use-lite | transformers (default auto)
  --split <s>              traffic: test (default) or val (to tune on)
  --percentile <p>         the router's calibration percentile (default 5, the router's default)
  --cutoff-percentile <q>  clustering cut-off: percentile of known intents' tightness (default 10)
  --min-cluster <n>        smallest candidate cluster (default 3)
  --own-share <x>          an own cluster holds at least this share of its intent's flagged utterances (default 0.5)
  --tune                   also print the grids over percentile, cut-off and min cluster
  --data <dir>             dataset folder (default ../shared/data)
  -h, --help`;

const Args = z.object({
  dataset: z.string().min(1),
  'known-share': z.coerce.number().gt(0).lt(1).default(0.5),
  seed: z.coerce.number().int().default(1),
  embedder: z.enum(['auto', 'lexical', 'use-lite', 'transformers']).default('auto'),
  split: z.enum(['test', 'val']).default('test'),
  percentile: z.coerce.number().min(0).max(100).default(5),
  'cutoff-percentile': z.coerce.number().min(0).max(100).default(DEFAULT_COVERAGE_OPTIONS.cutoffPercentile),
  'min-cluster': z.coerce.number().int().min(2).default(3),
  'own-share': z.coerce.number().gt(0).max(1).default(0.5),
  tune: z.boolean().default(false),
  data: z.string().default(path.resolve(ROOT, '../shared/data')),
});
type ExperimentArgs = z.infer<typeof Args>;

const MIN_UTTERANCES = 5;
const CURVE_RATES = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5];

interface Routed extends Utterance {
  readonly decisionId: string;
  readonly known: boolean;
  readonly covered: boolean;
  readonly topSimilarity: number;
  readonly neighbourSims: readonly number[];
  /** The router's own coverage test: its score minus the threshold that applied (per intent). */
  readonly coverageMargin: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const str = { type: 'string' } as const;
  const { values } = parseScriptArgs({
    options: {
      dataset: str, 'known-share': str, seed: str, embedder: str, split: str, percentile: str,
      'cutoff-percentile': str, 'min-cluster': str, 'own-share': str, data: str,
      tune: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || values.dataset === undefined) {
    console.log(HELP);
    return;
  }
  const args = Args.parse(values);
  const dataset = loadIntentDataset(args.dataset, args.data, args.seed);
  const split = args.split === 'val' ? dataset.val : dataset.test;
  if (!split) throw new Error(`${dataset.name} has no ${args.split} split`);
  const known = pickKnownIntents(dataset, args['known-share'], args.seed);
  const references = dataset.train.filter((u) => known.has(u.intent));
  console.log(`coverage experiment: ${dataset.name}, known share ${args['known-share']}, seed ${args.seed}, traffic = ${args.split} split`);
  console.log(machineLine());
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'coverage-experiment-'));
  const deps = await setUp(args, tmp, references, [...split, ...dataset.oos].map((u) => u.text));
  try {
    console.log(`embedder: ${fingerprintKey(deps.embedder.fingerprint)}`);
    const intents = new Set(dataset.train.map((u) => u.intent));
    console.log(`intents ${intents.size} (${known.size} known, ${intents.size - known.size} unknown); references ${references.length}; traffic ${split.length}` + (dataset.oos.length > 0 ? `; out-of-scope ${dataset.oos.length} (reported apart)` : ''));
    const traffic = await routeAll(deps, split, known);
    const oos = dataset.oos.length > 0 ? await routeAll(deps, dataset.oos, known) : [];
    reportFlags(deps, traffic, oos, args);
    const input = analysisInput(deps, traffic);
    reportClusters(input, traffic, { known, args, cutoffPercentile: args['cutoff-percentile'], minCluster: args['min-cluster'], print: true });
    if (args.tune) tune(deps, input, traffic, { known, args });
  } finally {
    deps.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A fresh data dir holding only the known intents' references, with the vectors cached on disk between runs. */
async function setUp(args: ExperimentArgs, dataDir: string, references: readonly Utterance[], trafficTexts: readonly string[]): Promise<Deps> {
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      seedOnEmpty: false,
      embedding: { backend: args.embedder, allowRemote: false },
      catalog: ['a', 'b'].map((id) => ({ id, provider: 'test', inputPricePer1M: 1, outputPricePer1M: 1, contextWindow: 100_000 })),
      rules: [],
      // minSupport 0: the synthetic records must not decide coverage; only the similarity threshold does.
      routing: { defaultModel: 'a', minSupport: 0, coverageThreshold: 'auto', calibrationPercentile: args.percentile },
      log: { level: 'silent' },
    },
  });
  const inner = await createEmbedder(config.embedding, dataDir, silentLogger());
  const cache = cacheFile(path.join(ROOT, 'data/coverage-experiment-cache'), inner.fingerprint);
  const embedder = new CachingEmbedder(inner, { batchSize: 256, onProgress: (d, t) => process.stderr.write(`\rembedding ${d}/${t}${d >= t ? '\n' : ''}`) });
  embedder.preload(loadVectors(cache, inner.fingerprint.dims));
  await embedder.embed([...references.map((r) => r.text), ...trafficTexts]);
  if (embedder.newlyEmbedded > 0) saveVectors(cache, inner.fingerprint.dims, embedder.vectors);
  const deps = await bootstrap(config, silentLogger(), { embedder });
  const items = references.map((r) => ({ text: r.text, intent: r.intent, contentHash: contentHash(r.text), records: { a: { wins: 1, losses: 1, ties: 0 }, b: { wins: 1, losses: 1, ties: 0 } } }));
  deps.references.writeSet('known', 'coverage-experiment', items);
  await deps.index.embedMissing();
  deps.router = buildRouter(deps);
  return deps;
}

async function routeAll(deps: Deps, utterances: readonly Utterance[], known: ReadonlySet<string>): Promise<Routed[]> {
  const out: Routed[] = [];
  for (const u of utterances) {
    const r = await deps.router.route({ prompt: u.text, constraints: {} });
    if (r.decision.kind !== 'routed') throw new Error('no eligible model: the experiment catalog is broken');
    const sims = r.decision.evidence.map((e) => e.similarity);
    const margin = (r.decision.coverageScore ?? -1) - r.decision.coverageThreshold;
    out.push({ ...u, decisionId: r.decisionId, known: known.has(u.intent), covered: r.decision.covered, topSimilarity: sims[0] ?? -1, neighbourSims: sims, coverageMargin: margin });
  }
  deps.queue.flush();
  return out;
}

function reportFlags(deps: Deps, traffic: readonly Routed[], oos: readonly Routed[], args: ExperimentArgs): void {
  const rates = flagRates(traffic.map((t) => ({ known: t.known, flagged: !t.covered })));
  console.log(`\ncoverage threshold in force: ${deps.router.coverageThreshold.toFixed(4)} (${deps.router.coverage.source}; calibration percentile ${args.percentile} applies only without a background set)`);
  console.log(`uncovered flags: recall on unknown-intent traffic ${pct(rates.recall)} of ${rates.unknown}; false flags on known-intent traffic ${pct(rates.falseFlagRate)} of ${rates.known}`);
  if (oos.length > 0) console.log(`out-of-scope traffic flagged: ${pct(oos.filter((o) => !o.covered).length / oos.length)} of ${oos.length}`);
  const detectors: [string, (t: Routed) => number][] = [
    ['the router (score − its threshold)', (t) => t.coverageMargin],
    ['top-1 similarity', (t) => t.topSimilarity],
    ['mean of top-3 similarities', (t) => meanOf(t.neighbourSims.slice(0, 3))],
    ['mean of top-10 similarities', (t) => meanOf(t.neighbourSims.slice(0, 10))],
  ];
  console.log('\ntrade-off (flag when score < threshold; thresholds set by the false-flag rate on known-intent traffic):');
  console.log(`  ${'detector'.padEnd(32)}${'AUROC'.padStart(7)}${CURVE_RATES.map((r) => `  rec@${pct(r)}`.padStart(13)).join('')}`);
  for (const [name, score] of detectors) {
    const items: ScoredItem[] = traffic.map((t) => ({ known: t.known, score: score(t) }));
    const curve = tradeoffCurve(items, CURVE_RATES);
    console.log(`  ${name.padEnd(32)}${auroc(items).toFixed(3).padStart(7)}${curve.map((p) => pct(p.recall).padStart(13)).join('')}`);
  }
}

function meanOf(xs: readonly number[]): number {
  return xs.length === 0 ? -1 : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function analysisInput(deps: Deps, traffic: readonly Routed[]): CoverageInput {
  return collectCoverageInput(
    { decisions: deps.decisions, references: deps.references },
    {
      since: null,
      until: new Date().toISOString(),
      coverageThreshold: deps.router.coverageThreshold,
      similarityPower: deps.router.similarityPower,
      embedder: fingerprintKey(deps.embedder.fingerprint),
      decisionIds: new Set(traffic.map((t) => t.decisionId)),
      texts: new Map(traffic.map((t) => [promptHashOf(deps, t.decisionId), t.text])),
    },
  );
}

/** The stored hash of a decision's prompt, so the analysis can show the text it was not stored with. */
function promptHashOf(deps: Deps, decisionId: string): string {
  return deps.decisions.get(decisionId)?.promptHash ?? '';
}

function reportClusters(
  input: CoverageInput,
  traffic: readonly Routed[],
  o: { known: ReadonlySet<string>; args: ExperimentArgs; cutoffPercentile: number; minCluster: number; print: boolean },
): { purity: number; own: number; eligible: number; clusters: number; cutoff: number } {
  const { report, members } = analyzeCoverageWithMembers(input, { generatedAt: input.window.until, cutoffPercentile: o.cutoffPercentile, minCluster: o.minCluster });
  const truth = new Map(traffic.map((t) => [t.decisionId, t.intent]));
  const perIntent = new Map<string, number>();
  for (const t of traffic) perIntent.set(t.intent, (perIntent.get(t.intent) ?? 0) + 1);
  const unknown = new Set([...perIntent.keys()].filter((i) => !o.known.has(i)));
  const q = clusterQuality(members, truth, { unknownIntents: unknown, trafficPerIntent: perIntent, minUtterances: MIN_UTTERANCES, ownShare: o.args['own-share'] });
  if (o.print) {
    console.log(`\ncandidate clusters (average linkage, cut-off ${report.clusterCutoff.toFixed(4)} = p${o.cutoffPercentile} of known intents' mean within-intent similarity, min cluster ${o.minCluster}):`);
    console.log(`  ${report.candidates.length} candidates holding ${q.clustered} of ${report.totals.uncovered} uncovered prompts (${pct(q.clustered / Math.max(1, report.totals.uncovered))}); purity ${q.purity.toFixed(3)}`);
    console.log(`  unknown intents with >= ${MIN_UTTERANCES} utterances: ${q.eligible}; with an own cluster: ${q.withOwnCluster} (${pct(q.withOwnCluster / Math.max(1, q.eligible))})`);
    console.log(`  own cluster = a candidate whose majority true intent is that intent and that holds >= ${pct(o.args['own-share'])} of that intent's uncovered utterances`);
    const named = report.candidates.slice(0, 8).map((c) => `${c.name ?? c.id} (${c.size}, nearest ${c.nearestIntent?.intent ?? '-'})`);
    console.log(`  largest: ${named.join('; ')}`);
  }
  return { purity: q.purity, own: q.withOwnCluster, eligible: q.eligible, clusters: report.candidates.length, cutoff: report.clusterCutoff };
}

/** The grids the defaults are chosen from: calibration percentile, then cut-off and min cluster. */
function tune(deps: Deps, input: CoverageInput, traffic: readonly Routed[], o: { known: ReadonlySet<string>; args: ExperimentArgs }): void {
  const intents = new Map(deps.references.texts().map((t) => [t.id, t.intent]));
  const samples = [...deps.references.vectors()].map((v) => ({ ...v, intent: intents.get(v.id) ?? null }));
  console.log('\ntune: calibration percentile → threshold, false flags on known-intent traffic, recall on unknown-intent traffic');
  for (const p of [1, 2, 5, 10, 15, 20, 25, 30]) {
    const c = calibrateCoverageThreshold(samples, (v, k) => deps.index.search(v, k), { percentile: p });
    if (!c) continue;
    const r = flagRates(traffic.map((t) => ({ known: t.known, flagged: t.topSimilarity < c.threshold })));
    console.log(`  p${String(p).padEnd(3)} threshold ${c.threshold.toFixed(4)}  false flags ${pct(r.falseFlagRate).padStart(6)}  recall ${pct(r.recall).padStart(6)}`);
  }
  console.log('tune: clustering (on the uncovered traffic above) → candidates, purity, unknown intents with an own cluster');
  for (const minCluster of [3, 5]) {
    for (const q of [5, 10, 25, 50, 75]) {
      const r = reportClusters(input, traffic, { ...o, cutoffPercentile: q, minCluster, print: false });
      console.log(`  min ${minCluster} q${String(q).padEnd(3)} cut-off ${r.cutoff.toFixed(4)}  candidates ${String(r.clusters).padStart(4)}  purity ${r.purity.toFixed(3)}  own ${r.own}/${r.eligible} (${pct(r.own / Math.max(1, r.eligible))})`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
