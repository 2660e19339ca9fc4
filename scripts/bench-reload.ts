/**
 * How long a config reload holds the event loop at N references: the worst stall that
 * perf_hooks.monitorEventLoopDelay sees (p99 and max) while the reload recalibrates the coverage test
 * and refits the policy (a new routing.k changes both keys), next to the reload's wall time. Each tree
 * runs in its own process, one after the other, on the same synthetic store (bench/fixtures.ts:
 * 384-d clustered vectors, six models with records, coverage 'auto', no background set). `--before`
 * names another checkout (with node_modules) to measure the same way in the same run.
 *
 * Then the admin rebuild's work (POST /v1/admin/rebuild) the same way (its index is built in the fit worker
 * since 5d165f8), and how long loading the saved index file takes on the thread (what the swap reads).
 *
 * Usage: npm run bench:reload -- [--before <dir>] [--before-label <text>] [--size 10000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseScriptOptions } from '../src/shared/command-line.js';
import { machineLine } from './bench-lib.js';

const HELP = `Usage: npm run bench:reload -- [--before <dir>] [--before-label <text>] [--size 10000]

Builds a synthetic store of --size references, restarts on it, then reloads the config with a new
routing.k (a recalibration and a refit) and prints the event loop's delay during the reload
(monitorEventLoopDelay p50/p99/max) and the reload's wall time. With --before, does the same with
the checkout in <dir> first, in its own process.
`;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseScriptOptions(
  process.argv.slice(2),
  { before: { type: 'string' }, 'before-label': { type: 'string' }, size: { type: 'string', default: '10000' }, child: { type: 'string' } },
  HELP,
);

interface Row {
  references: number;
  startupSeconds: number;
  reloadSeconds: number;
  outcome: string;
  delayMs: { p50: number; p99: number; max: number };
  /** The same histogram over 2 s with nothing running: the machine's own noise. */
  idleMaxMs: number;
  /** The admin rebuild afterwards (nothing changed: the refit comes from cache). */
  rebuildSeconds: number;
  rebuildDelayMs: { p50: number; p99: number; max: number };
  /** HnswIndex.load of the saved index file afterwards, on this thread: what the server's swap reads. */
  indexLoadMs: number;
  /** What the rebuild still runs on this thread, each timed alone afterwards: recomputeAllRecords, and the record totals' re-read (router). */
  recomputeMs: number;
  totalsReadMs: number;
  fitSamples: number | null;
  coverageThreshold: number;
}

/** In a child: measures the tree at `root` (its own modules, its own reload code). */
async function measure(root: string, size: number): Promise<Row> {
  const load = (file: string) => import(pathToFileURL(path.join(root, file)).href);
  const fixtures: typeof import('./bench/fixtures.js') = await load('scripts/bench/fixtures.ts');
  const reloading: typeof import('../src/cli/config-reload.js') = await load('src/cli/config-reload.ts');
  const logging: typeof import('../src/shared/logger.js') = await load('src/shared/logger.ts');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-bench-reload-'));
  const overrides = (k: number) => ({ backgroundDir: path.join(dataDir, 'no-background'), routing: { k } });
  // Written with the fit off, then opened again as a restart would: the start-up fit runs once.
  const writer = await fixtures.openSyntheticStore(fixtures.tempConfig({ ...overrides(10), routing: { k: 10, tune: { enabled: false }, coverageThreshold: 0.5 } }, dataDir));
  const rand = (await import('./bench-lib.js')).seededRandom(size);
  const record = () => ({ wins: Math.floor(rand() * 8), losses: Math.floor(rand() * 8), ties: Math.floor(rand() * 2) });
  const items = Array.from({ length: size }, (_, i) => ({ text: fixtures.syntheticText(i), intent: `intent_${i % fixtures.SYNTHETIC.clusters}`, contentHash: `h${i}`, records: Object.fromEntries(fixtures.MODELS.map((m) => [m, record()])) }));
  writer.references.writeSet('synthetic', null, items);
  await writer.index.embedMissing();
  writer.close();
  let t = performance.now();
  const deps = await fixtures.openSyntheticStore(fixtures.tempConfig(overrides(10), dataDir));
  const startupSeconds = (performance.now() - t) / 1000;
  const reloader = reloading.createConfigReloader(deps, { env: {}, file: path.join(root, 'router.config.yaml'), logger: logging.silentLogger(), overrides: fixtures.tempConfig(overrides(12), dataDir) });
  const reload = await stallDuring(() => Promise.resolve<unknown>(reloader.reload()));
  const idle = await stallDuring(() => new Promise((resolve) => setTimeout(resolve, 2000)));
  // POST /v1/admin/rebuild's work (the records, the whole HNSW index, then a refit served from cache).
  const bootstrapping: typeof import('../src/cli/bootstrap.js') = await load('src/cli/bootstrap.ts');
  const rebuild = await stallDuring(() => bootstrapping.appDepsOf(deps).admin.rebuild());
  const indexLoadMs = await timeIndexLoad(root, bootstrapping.dataPaths(deps.config).index);
  const recomputeMs = timed(() => deps.references.recomputeAllRecords());
  const totalsReadMs = timed(() => deps.router.refreshTotals());
  const row = {
    references: deps.references.count(),
    startupSeconds,
    reloadSeconds: reload.seconds,
    outcome: String(reload.result),
    delayMs: reload.delayMs,
    idleMaxMs: idle.delayMs.max,
    rebuildSeconds: rebuild.seconds,
    rebuildDelayMs: rebuild.delayMs,
    indexLoadMs,
    recomputeMs,
    totalsReadMs,
    fitSamples: deps.router.fit?.samples ?? null,
    coverageThreshold: deps.router.coverageThreshold,
  };
  deps.close();
  rmSync(dataDir, { recursive: true, force: true });
  return row;
}

function timed(work: () => void): number {
  const t = performance.now();
  work();
  return Math.round((performance.now() - t) * 10) / 10;
}

/** Loads the saved index as its sidecar describes it (sha256, structural walk, hnswlib's reader): wall ms. */
async function timeIndexLoad(root: string, indexPath: string): Promise<number> {
  const hnsw: typeof import('../src/index/hnsw-index.js') = await import(pathToFileURL(path.join(root, 'src/index/hnsw-index.ts')).href);
  const sidecar = JSON.parse(readFileSync(`${indexPath}.json`, 'utf8')) as { dims: number; fingerprint: string; count: number };
  const t = performance.now();
  const loaded = hnsw.HnswIndex.load(indexPath, sidecar);
  const ms = performance.now() - t;
  if (!loaded.ok) throw new Error(`the saved index did not load: ${loaded.reason}`);
  return Math.round(ms * 10) / 10;
}

/** Runs `work` under monitorEventLoopDelay (resolution 5 ms): its wall time and the loop's delay meanwhile, in ms. */
async function stallDuring(work: () => Promise<unknown>): Promise<{ seconds: number; result: unknown; delayMs: Row['delayMs'] }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  // A few samples first: the histogram measures from its previous sample, and has none at enable().
  await new Promise((resolve) => setTimeout(resolve, 100));
  const t = performance.now();
  const result = await work();
  const seconds = (performance.now() - t) / 1000;
  // One more turn, so a stall that ended with the work is sampled too.
  await new Promise((resolve) => setTimeout(resolve, 50));
  delay.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return { seconds, result, delayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) } };
}

if (values.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await measure(values.child, Number(values.size)))}\n`);
  process.exit(0);
}

function runTree(label: string, root: string): Row {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench-reload.ts'), '--child', root, '--size', values.size], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${label}: the measuring process failed (${child.status}):\n${child.stderr}`);
  const row: Row = JSON.parse(line);
  return row;
}

console.log(machineLine());
const trees = [...(values.before ? [[values['before-label'] ?? path.basename(values.before), path.resolve(values.before)] as const] : []), ['this checkout', ROOT] as const];
const rows = trees.map(([label, root]) => [label, runTree(label, root)] as const);
for (const [label, r] of rows) {
  console.log(
    `${label}: ${r.references} references, reload ${r.outcome} in ${r.reloadSeconds.toFixed(2)} s (fit on ${r.fitSamples ?? 0} samples, threshold ${r.coverageThreshold.toFixed(3)}); ` +
      `event loop delay during it p50 ${r.delayMs.p50} ms, p99 ${r.delayMs.p99} ms, max ${r.delayMs.max} ms (idle 2 s afterwards: max ${r.idleMaxMs} ms); ` +
      `admin rebuild ${r.rebuildSeconds.toFixed(2)} s, delay during it p99 ${r.rebuildDelayMs.p99} ms, max ${r.rebuildDelayMs.max} ms (on the thread, each alone: loading its index file ${r.indexLoadMs} ms, recomputing the records ${r.recomputeMs} ms, re-reading the record totals ${r.totalsReadMs} ms); start-up ${r.startupSeconds.toFixed(2)} s`,
  );
}
const [first, last] = [rows[0]?.[1], rows.at(-1)?.[1]];
if (rows.length === 2 && first && last) {
  console.log(`worst stall: ${(first.delayMs.max / Math.max(1, last.delayMs.max)).toFixed(0)}x smaller (max ${first.delayMs.max} ms → ${last.delayMs.max} ms)`);
  console.log(`admin rebuild's worst stall: ${(first.rebuildDelayMs.max / Math.max(1, last.rebuildDelayMs.max)).toFixed(0)}x smaller (max ${first.rebuildDelayMs.max} ms → ${last.rebuildDelayMs.max} ms)`);
}
console.log(machineLine());
