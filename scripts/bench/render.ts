import type { Config } from '../../src/config/schema.js';
import type { DecisionResult } from './decision.js';
import type { EmbedResult } from './embed.js';
import { SYNTHETIC } from './fixtures.js';
import { meanRps, TARGETS, type HttpResult, type Target } from './http.js';
import type { MemoryResult, ProbeResult } from './memory.js';
import type { OutcomesInProcess, OutcomesOverHttp } from './outcomes.js';
import type { RebuildResult } from './rebuild.js';
import { formatNumber, ms, p50p99, ratio, type Report } from './report.js';
import type { SeedResult } from './seed.js';

const MiB = 2 ** 20;
const mib = (bytes: number) => `${formatNumber(bytes / MiB)} MiB`;
const perSecond = (x: number) => `${formatNumber(x)}/s`;

export function syntheticNote(config: Config): string {
  const { m, efConstruction, efSearch } = config.index;
  return (
    `synthetic references: ${SYNTHETIC.dims}-d unit vectors in ${SYNTHETIC.clusters} clusters (random centre + Gaussian noise of norm ~${SYNTHETIC.noise}), ` +
    `each with random win/loss/tie records for 6 models in SQLite; queries drawn the same way; k = ${config.routing.k}; ` +
    `HNSW M = ${m}, efConstruction = ${efConstruction}, efSearch = ${efSearch} (the configured defaults)`
  );
}

export function decisionTables(report: Report, results: readonly DecisionResult[], builds: ReadonlyMap<number, { writeSeconds: number; indexSeconds: number }>, note: string): void {
  report.table(
    'decision',
    'Decision time without embedding: HNSW vs exact scan (search + neighbour prompts and records, from SQLite through the read cache + policy)',
    ['references', 'HNSW p50 / p99', 'exact scan p50 / p99', 'exact ÷ HNSW (p50)', 'recall@10', 'queries (HNSW / exact)', 'store built in'],
    results.map((r) => {
      const b = builds.get(r.size);
      return [
        r.size,
        p50p99(r.hnsw.decision),
        p50p99(r.exact.decision),
        ratio(r.exact.decision.p50 / r.hnsw.decision.p50),
        `${formatNumber(r.recall)} (ef ${r.efSearch})`,
        `${r.hnsw.decision.n} / ${r.exact.decision.n}`,
        b ? `${formatNumber(b.writeSeconds)} s write + ${formatNumber(b.indexSeconds)} s index` : null,
      ];
    }),
    [note, 'exact scan: src/index/brute-force-index.ts (JS, every vector, bounded heap) behind the same Router'],
  );
  report.table(
    'decision',
    'Search only (k = 10): HNSW vs the JS exact scan vs hnswlib’s native exact scan',
    ['references', 'HNSW p50 / p99', 'exact JS p50 / p99', 'exact native p50 / p99', 'JS ÷ HNSW', 'native ÷ HNSW', 'native = JS top-10'],
    results.map((r) => [
      r.size,
      p50p99(r.hnsw.search),
      p50p99(r.exact.search),
      p50p99(r.native.search),
      ratio(r.exact.search.p50 / r.hnsw.search.p50),
      ratio(r.native.search.p50 / r.hnsw.search.p50),
      `${formatNumber(r.native.agreement * 100)}%`,
    ]),
    ['native: hnswlib-node BruteforceSearch (C++, SIMD distances), a stronger exact baseline than plain JS'],
  );
}

export function recallTable(report: Report, results: readonly DecisionResult[], note: string): void {
  report.table(
    'recall',
    'HNSW recall@10 against the exact scan, by efSearch',
    ['references', 'efSearch', 'recall@10', 'search p50 / p99', 'queries'],
    results.flatMap((r) => r.sweep.map((p) => [r.size, p.configured ? `${p.efSearch} (configured)` : p.efSearch, formatNumber(p.recall), p50p99(p.search), p.search.n])),
    [note, 'a copy of the saved index loaded with each efSearch; the configured row matches the serving index'],
  );
}

export function memoryTable(report: Report, empty: ProbeResult, results: readonly MemoryResult[]): void {
  const row = (label: string, r: ProbeResult, extra: { sqliteBytes?: number; indexBytes?: number }) => {
    const delta = r.rss - empty.rss;
    return [
      label,
      mib(r.rss),
      r.references > 0 ? mib(delta) : null,
      r.references > 0 ? mib((delta / r.references) * 100_000) : null,
      mib(r.heapUsed),
      extra.indexBytes !== undefined ? mib(extra.indexBytes) : null,
      extra.sqliteBytes !== undefined ? mib(extra.sqliteBytes) : null,
      `${formatNumber(r.openSeconds)} s${r.loadedFromFile || r.references === 0 ? '' : ' (index rebuilt, not loaded)'}`,
    ];
  };
  report.table(
    'memory',
    'Memory: RSS of a fresh process that opened the store (index loaded from its file) and routed 1,000 queries',
    ['references', 'RSS', 'RSS − empty store', 'per 100k references', 'JS heap used', 'index file', 'SQLite (+WAL)', 'open'],
    [row('0 (empty store)', empty, {}), ...results.map((r) => row(formatNumber(r.references), r, r))],
    ['one child process per row (node --expose-gc, tsx), GC run before reading process.memoryUsage(); same synthetic 384-d data as the decision section'],
  );
}

export function rebuildTable(report: Report, r: RebuildResult, openSeconds: number | undefined): void {
  report.table(
    'rebuild',
    'Index rebuild from SQLite (the HNSW file is a cache of the vectors stored there)',
    ['references', 'read vectors from SQLite', 'rebuild (read + insert + save)', 'inserts/s', 'M / efConstruction', 'open with a valid index file'],
    [[r.references, `${formatNumber(r.readVectorsSeconds)} s`, `${formatNumber(r.rebuildSeconds)} s`, perSecond(r.references / r.rebuildSeconds), `${r.m} / ${r.efConstruction}`, openSeconds !== undefined ? `${formatNumber(openSeconds)} s` : null]],
    ['rebuild = ReferenceIndex.rebuild(): one HNSW insert per stored vector on one thread, then save (sha256 + structural check + fsync + rename)'],
  );
}

export function httpTables(report: Report, r: HttpResult, seconds: number): void {
  const p = r.inProcess;
  const rest = p.total.p50 - p.embed.p50 - p.search.p50 - p.decide.p50;
  report.table(
    'http',
    `POST /v1/route in-process (app.request, sequential), ${r.embedder}, ${r.references} references`,
    ['requests', 'total p50 / p99', 'embed p50', 'HNSW search p50', 'neighbour reads (cached) + policy p50', 'rest p50 (Hono, validation, decision log, metrics)'],
    [[p.total.n, p50p99(p.total), ms(p.embed.p50), ms(p.search.p50), ms(p.decide.p50), ms(rest)]],
  );
  const connections = [...new Set(r.runs.map((x) => x.connections))];
  const share = (t: Target, c: number) => `${formatNumber((100 * meanRps(r.runs, t, c)) / meanRps(r.runs, 'trivial', c))}%`;
  report.table(
    'http',
    `POST /v1/route over loopback HTTP vs a trivial Hono handler (autocannon in its own process, ${seconds} s per run, same run)`,
    ['connections', 'trivial req/s (per round)', 'framing req/s', '/v1/route req/s', 'framing ÷ trivial', 'route ÷ trivial', 'p50 / p99 trivial, framing, route', 'errors'],
    connections.map((c) => {
      const mine = r.runs.filter((x) => x.connections === c);
      const of = (t: Target) => mine.filter((x) => x.target === t);
      const rps = (t: Target) => `${formatNumber(meanRps(r.runs, t, c))} (${of(t).map((x) => formatNumber(x.result.rps)).join(', ')})`;
      const lat = (t: Target) => { const runs = of(t); return `${formatNumber(mean(runs.map((x) => x.result.p50)))} / ${formatNumber(mean(runs.map((x) => x.result.p99)))}`; };
      return [c, rps('trivial'), rps('framing'), rps('route'), share('framing', c), share('route', c), `${TARGETS.map(lat).join(', ')} ms`, mine.reduce((s, x) => s + x.result.errors, 0)];
    }),
    [
      `autocannon command per run: ${r.runs[0]?.command ?? ''} (URL and port differ per server)`,
      'trivial: the same Hono + @hono/node-server, one POST route answering a constant small JSON without reading the body',
      'framing: reads the body, validates it with the route schema, answers a /v1/route response captured from the real router (same bytes); no routing',
    ],
  );
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
}

export function embedTable(report: Report, results: readonly EmbedResult[], source: string, texts: number): void {
  report.table(
    'embed',
    'Embedding throughput per backend: batched (one call, batches of 32) vs one text per call',
    ['backend', 'model', 'dims', 'load', 'batched texts/s', 'one at a time texts/s', 'batched ÷ single', 'what it is'],
    results.map((r) =>
      r.status === 'skipped'
        ? [r.backend, null, null, null, null, null, null, `not measured: ${r.reason}`]
        : [r.backend, r.modelId, r.dims, `${formatNumber(r.loadSeconds)} s`, formatNumber(r.batchedPerSecond), formatNumber(r.singlePerSecond), ratio(r.batchedPerSecond / r.singlePerSecond), r.note],
    ),
    [`${texts} texts from ${source}, the same texts for every backend, after a warm-up batch`],
  );
}

export function seedTable(report: Report, results: readonly SeedResult[], source: string): void {
  report.table(
    'seed',
    'Seeding throughput (JSONL set → validate → SQLite → embed → HNSW → save index)',
    ['embedder', 'prompts', 'first seed', 'references/s', 'same file again (no changes)', 'references/s'],
    results.map((r) => [r.embedder, r.prompts, `${formatNumber(r.firstSeconds)} s`, perSecond(r.prompts / r.firstSeconds), `${formatNumber(r.againSeconds)} s`, perSecond(r.prompts / r.againSeconds)]),
    [`prompts from ${source}, with random records for 6 models; each row seeds a fresh store`],
  );
}

export function outcomesTable(report: Report, inProcess: OutcomesInProcess | undefined, overHttp: OutcomesOverHttp | undefined): void {
  const rows = [];
  if (inProcess) {
    rows.push([`in-process app.request, ${inProcess.concurrency} in flight`, perSecond(inProcess.perSecond), ms(inProcess.latency.p50), ms(inProcess.latency.p99), `${inProcess.total} sent, ${inProcess.stored} stored`]);
  }
  if (overHttp) {
    const r = overHttp.result;
    rows.push([`loopback HTTP, autocannon, ${overHttp.connections} connections, ${overHttp.seconds} s`, perSecond(r.rps), ms(r.p50), ms(r.p99), `${r.total} acknowledged, ${overHttp.stored} stored, ${r.errors} errors`]);
  }
  report.table('outcomes', 'Outcome ingestion with durable commits (WAL, synchronous=FULL)', ['path', 'outcomes/s', 'p50', 'p99', 'count'], rows);
}
