import { readFileSync } from 'node:fs';
import { dataPaths, type Deps } from '../../src/cli/bootstrap.js';
import { BruteForceIndex } from '../../src/index/brute-force-index.js';
import { HnswIndex } from '../../src/index/hnsw-index.js';
import type { Neighbor } from '../../src/index/vector-index.js';
import { Router, type RouteRequest } from '../../src/routing/router.js';
import { compileRules } from '../../src/routing/rules.js';
import { silentLogger } from '../../src/shared/logger.js';
import { summarize, type LatencySummary } from '../bench-lib.js';
import { SYNTHETIC, syntheticQueries, syntheticVectors } from './fixtures.js';
import { NativeExactScan } from './native-exact.js';

export interface DecisionOptions {
  /** Queries timed against HNSW. */
  readonly queries: number;
  /** Queries timed against the exact scans (capped further at large sizes, where one scan takes long). */
  readonly exactQueries: number;
  /** efSearch values for the recall sweep; the configured one is always included. */
  readonly efSweep: readonly number[];
}

export interface RecallPoint {
  readonly efSearch: number;
  readonly configured: boolean;
  readonly recall: number;
  readonly search: LatencySummary;
}

export interface DecisionResult {
  readonly size: number;
  readonly k: number;
  readonly efSearch: number;
  readonly hnsw: { readonly decision: LatencySummary; readonly search: LatencySummary };
  readonly exact: { readonly queries: number; readonly decision: LatencySummary; readonly search: LatencySummary };
  readonly native: { readonly search: LatencySummary; readonly agreement: number };
  /** recall@k of the serving index (configured efSearch) on the same queries as the exact scan. */
  readonly recall: number;
  readonly sweep: readonly RecallPoint[];
}

const REQUEST: RouteRequest = { prompt: 'a prompt of ordinary length for token estimates', constraints: {} };

/** Above 100k references the exact scans get fewer queries: one scan of 1M vectors takes about a second. */
export function exactQueryCount(size: number, requested: number): number {
  return Math.min(requested, Math.max(100, Math.floor(5e7 / size)));
}

/**
 * Decision time without embedding (search, reading neighbours and records from SQLite, the policy)
 * with the serving HNSW index and with an exact scan over the same vectors, and recall@k of HNSW
 * against the exact answer on the same queries.
 */
export async function measureDecision(deps: Deps, opts: DecisionOptions, log: (line: string) => void): Promise<DecisionResult> {
  const size = deps.index.size;
  const k = deps.config.routing.k;
  const queries = await syntheticVectors().embed(syntheticQueries(opts.queries));
  const exactN = exactQueryCount(size, opts.exactQueries);

  for (const v of queries.slice(0, 200)) deps.router.decideFor(v, REQUEST);
  const hnsw = timeDecisions(deps.router, queries);
  log(`  HNSW decisions: p50 ${hnsw.decision.p50.toFixed(3)} ms over ${queries.length} queries`);

  const exact = new BruteForceIndex(SYNTHETIC.dims, size);
  const native = new NativeExactScan(SYNTHETIC.dims, size);
  for (const { id, vector } of deps.references.vectors()) {
    exact.add(id, vector);
    native.add(id, vector);
  }
  const truth: Neighbor[][] = [];
  const exactRouter = routerOver(deps, {
    search: (v, n) => {
      const found = exact.search(v, n);
      truth.push(found);
      return found;
    },
  });
  const exactQueries = queries.slice(0, exactN);
  const exactTimes = timeDecisions(exactRouter, exactQueries);
  log(`  exact decisions: p50 ${exactTimes.decision.p50.toFixed(3)} ms over ${exactN} queries`);

  const nativeTimes: number[] = [];
  let agree = 0;
  exactQueries.forEach((v, i) => {
    const start = performance.now();
    const labels = native.search(v, k);
    nativeTimes.push(performance.now() - start);
    agree += overlap(labels, truth[i] ?? []);
  });

  const recall = exactQueries.reduce((sum, v, i) => sum + overlap(deps.index.search(v, k).map((n) => n.label), truth[i] ?? []), 0) / (exactN * k);
  const sweep = recallSweep(deps, exactQueries, truth, opts.efSweep);
  return {
    size,
    k,
    efSearch: deps.config.index.efSearch,
    hnsw,
    exact: { queries: exactN, ...exactTimes },
    native: { search: summarize(nativeTimes), agreement: agree / (exactN * k) },
    recall,
    sweep,
  };
}

function timeDecisions(router: Router, queries: readonly Float32Array[]): { decision: LatencySummary; search: LatencySummary } {
  const total: number[] = [];
  const search: number[] = [];
  for (const v of queries) {
    const start = performance.now();
    const { searchMs } = router.decideFor(v, REQUEST);
    total.push(performance.now() - start);
    search.push(searchMs);
  }
  return { decision: summarize(total), search: summarize(search) };
}

/** The production router's settings over another index. */
function routerOver(deps: Deps, index: ConstructorParameters<typeof Router>[0]['index']): Router {
  return new Router({
    embedder: deps.embedder,
    index,
    references: deps.references,
    decisions: deps.decisions,
    catalog: deps.config.catalog,
    routing: deps.config.routing,
    rules: compileRules(deps.config.rules),
    coverage: deps.router.coverage,
    storePrompts: false,
    logger: silentLogger(),
    queue: deps.queue,
  });
}

/** recall@k and search time at other efSearch values, on a copy of the saved index. */
function recallSweep(deps: Deps, queries: readonly Float32Array[], truth: readonly Neighbor[][], efs: readonly number[]): RecallPoint[] {
  const file = dataPaths(deps.config).index;
  const sidecar = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { fingerprint: string };
  const loaded = HnswIndex.load(file, { dims: SYNTHETIC.dims, fingerprint: sidecar.fingerprint, count: deps.index.size });
  if (!loaded.ok) throw new Error(`could not load the saved index for the efSearch sweep: ${loaded.reason}`);
  const configured = deps.config.index.efSearch;
  const k = deps.config.routing.k;
  return [...new Set([...efs, configured])]
    .sort((a, b) => a - b)
    .map((ef) => {
      loaded.index.setEfSearch(ef);
      for (const v of queries.slice(0, 50)) loaded.index.search(v, k);
      const times: number[] = [];
      let hits = 0;
      queries.forEach((v, i) => {
        const start = performance.now();
        const found = loaded.index.search(v, k);
        times.push(performance.now() - start);
        hits += overlap(found.map((n) => n.label), truth[i] ?? []);
      });
      return { efSearch: ef, configured: ef === configured, recall: hits / (queries.length * k), search: summarize(times) };
    });
}

function overlap(labels: readonly number[], truth: readonly Neighbor[]): number {
  const want = new Set(truth.map((n) => n.label));
  return labels.filter((l) => want.has(l)).length;
}
