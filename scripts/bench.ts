/**
 * The benchmark suite: decision time and recall (HNSW vs exact) at growing reference counts, memory,
 * index rebuild, /v1/route over HTTP beside a trivial handler, embedding and seeding throughput, and
 * outcome ingestion. Every section prints a table; --json writes them all. See --help.
 */
import path from 'node:path';
import { LexicalEmbedder } from '../src/embedding/lexical-embedder.js';
import { UseLiteEmbedder } from '../src/embedding/use-lite-embedder.js';
import { exactQueryCount, measureDecision, type DecisionResult } from './bench/decision.js';
import { backends, BATCH, measureEmbedder, type EmbedResult } from './bench/embed.js';
import { cleanup, ROOT, syntheticStore, tempConfig, type BuildTimes } from './bench/fixtures.js';
import { measureHttp } from './bench/http.js';
import { measureMemory, probeEmpty, type MemoryResult } from './bench/memory.js';
import { HELP, parseOptions, type BenchOptions } from './bench/options.js';
import { outcomesOverHttp, outcomeThroughput } from './bench/outcomes.js';
import { measureRebuild, type RebuildResult } from './bench/rebuild.js';
import * as render from './bench/render.js';
import { Report } from './bench/report.js';
import { measurePoolMemory } from './bench/pool-memory.js';
import { embedModelTables, hugeTable, poolMemoryTable, routeBackendsTable } from './bench/render-models.js';
import { measureEmbedModel } from './bench/embed-model.js';
import { measureRouteBackends } from './bench/route-backends.js';
import { measureSeed, type SeedResult } from './bench/seed.js';
import { loadTexts } from './bench/texts.js';

const opts = parseOptions(process.argv.slice(2));
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const report = new Report(`npm run bench -- ${process.argv.slice(2).join(' ')}`.trim());
const log = (line: string) => console.log(line);
const has = (s: Parameters<BenchOptions['only']['has']>[0]) => opts.only.has(s);

await sizedSections(opts);
if (has('http')) await httpSection(opts);
if (has('embed')) await embedSection(opts);
if (has('seed')) await seedSection(opts);
if (has('outcomes')) await outcomesSection(opts);
if (has('route-backends')) await orSkip('route-backends', () => routeBackendsSection(opts));
if (has('embed-model')) await orSkip('embed-model', () => embedModelSection(opts));
if (opts.json !== undefined) report.writeJson(opts.json);
else report.end();

/** decision, recall, memory and rebuild share one synthetic store per size, built once. */
async function sizedSections(o: BenchOptions): Promise<void> {
  const needDecision = has('decision') || has('recall');
  const sizes = new Set<number>([...(needDecision || has('memory') ? o.sizes : []), ...(has('rebuild') ? [o.rebuildSize] : [])]);
  if (sizes.size === 0) return;
  const decisions: DecisionResult[] = [];
  const memory: MemoryResult[] = [];
  const builds = new Map<number, BuildTimes>();
  let rebuild: RebuildResult | undefined;
  const empty = has('memory') ? await probeEmpty() : undefined;
  for (const size of [...sizes].sort((a, b) => a - b)) {
    log(`\n== ${size.toLocaleString('en-US')} synthetic references: building the store (SQLite + HNSW) ==`);
    const { deps, times } = await syntheticStore(size, (done) => log(`  ${done.toLocaleString('en-US')} written and indexed`));
    builds.set(size, times);
    log(`  built: ${times.writeSeconds.toFixed(1)} s SQLite write, ${times.indexSeconds.toFixed(1)} s embed + index`);
    const inSizes = o.sizes.includes(size);
    if (needDecision && inSizes) {
      log(`  exact-scan queries: ${exactQueryCount(size, o.exactQueries)}`);
      decisions.push(await measureDecision(deps, o, log));
    }
    if (has('memory') && inSizes) memory.push(await measureMemory(deps));
    if (has('rebuild') && size === o.rebuildSize) rebuild = measureRebuild(deps);
    cleanup(deps);
  }
  Object.assign(report.results, { builds: Object.fromEntries(builds), decision: decisions, memory: { empty, stores: memory }, rebuild });
  const note = render.syntheticNote(tempConfig());
  if (has('decision')) render.decisionTables(report, decisions, builds, note);
  if (has('recall')) render.recallTable(report, decisions, note);
  if (empty) render.memoryTable(report, empty, memory);
  if (rebuild) render.rebuildTable(report, rebuild, memory.find((m) => m.references === rebuild?.references)?.openSeconds);
}

async function httpSection(o: BenchOptions): Promise<void> {
  log('\n== /v1/route over HTTP ==');
  const result = await measureHttp({ requests: o.requests, connections: o.connections, seconds: o.duration, rounds: o.rounds }, log);
  report.results['http'] = result;
  render.httpTables(report, result, o.duration);
}

async function embedSection(o: BenchOptions): Promise<void> {
  log('\n== embedding throughput ==');
  const { source, texts } = loadTexts(o.data, o.embedTexts);
  const results: EmbedResult[] = [];
  for (const backend of backends(o.modelPath, tempConfig().embedding.lexicalDims, o.modelsDir)) {
    const r = await measureEmbedder(backend, texts.map((t) => t.text));
    log(`  ${backend.name}: ${r.status === 'ok' ? `${r.batchedPerSecond.toFixed(0)} batched, ${r.singlePerSecond.toFixed(0)} single texts/s` : `skipped (${r.reason})`}`);
    results.push(r);
  }
  report.results['embed'] = results;
  render.embedTable(report, results, source, texts.length);
}

async function seedSection(o: BenchOptions): Promise<void> {
  log('\n== seeding throughput ==');
  const results: SeedResult[] = [];
  const lexical = loadTexts(o.data, o.seedPrompts);
  results.push(await measureSeed(new LexicalEmbedder({ dims: tempConfig().embedding.lexicalDims }), lexical.texts));
  log(`  lexical: ${results.at(-1)?.firstSeconds.toFixed(1)} s for ${lexical.texts.length} prompts`);
  const model = loadTexts(o.data, o.seedModelPrompts);
  results.push(await measureSeed(await UseLiteEmbedder.create({ batchSize: BATCH }), model.texts));
  log(`  use-lite: ${results.at(-1)?.firstSeconds.toFixed(1)} s for ${model.texts.length} prompts`);
  report.results['seed'] = results;
  render.seedTable(report, results, lexical.source);
}

async function outcomesSection(o: BenchOptions): Promise<void> {
  log('\n== outcome ingestion ==');
  const inProcess = await outcomeThroughput(o.outcomes, o.concurrency);
  const overHttp = await outcomesOverHttp(o.seconds, o.concurrency);
  report.results['outcomes'] = { inProcess, overHttp };
  render.outcomesTable(report, inProcess, overHttp);
}

/** Sections that need the generated model skip, saying why, when it cannot be written (no word list). */
async function orSkip(section: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    log(`  ${section} skipped: ${reason}`);
    report.results[section] = { skipped: reason };
  }
}

async function routeBackendsSection(o: BenchOptions): Promise<void> {
  log('\n== /v1/route by embedding backend, serve processes ==');
  const trees = [...(o.baseline !== undefined ? [{ label: 'before', dir: path.resolve(o.baseline) }] : []), { label: o.baseline !== undefined ? 'after' : 'this tree', dir: ROOT }];
  const result = await measureRouteBackends(
    { trees, backends: o.routeBackends, dtypes: o.routeDtypes, rounds: o.routeRounds, seconds: o.routeSeconds, connections: o.routeConnections, shortRequests: o.routeShort, longRequests: o.routeLong, modelsDir: o.modelsDir, data: o.data, huge: { concurrency: o.routeHuge, timeoutSeconds: o.routeHugeTimeout } },
    log,
  );
  report.results['routeBackends'] = result;
  routeBackendsTable(report, result, o.routeConnections);
  hugeTable(report, result);
}

async function embedModelSection(o: BenchOptions): Promise<void> {
  log('\n== embedding throughput on the MiniLM-architecture model, by batching ==');
  const result = await measureEmbedModel({ modelsDir: o.modelsDir, data: o.data, texts: o.embedModelTexts, batchSizes: o.embedModelBatches, dtypes: o.embedModelDtypes }, log);
  report.results['embedModel'] = result;
  embedModelTables(report, result);
  const pool = await measurePoolMemory({ modelsDir: o.modelsDir, sizes: [1, 2] }, log);
  report.results['poolMemory'] = pool;
  poolMemoryTable(report, pool);
}
