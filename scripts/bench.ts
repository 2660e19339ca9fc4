/**
 * Routing benchmarks: decision time without embedding at growing reference counts, and the full
 * POST /v1/route with the lexical embedder, in-process and over loopback HTTP.
 * Usage: npm run bench [-- --sizes 1000,10000 --queries 2000 --requests 1000]
 */
import { serve } from '@hono/node-server';
import { parseArgs } from 'node:util';
import { bootstrap, appDepsOf, type Deps } from '../src/cli/bootstrap.js';
import { loadConfig } from '../src/config/load.js';
import { LexicalEmbedder } from '../src/embedding/lexical-embedder.js';
import { createApp } from '../src/server/app.js';
import { silentLogger } from '../src/shared/logger.js';
import type { WinRecord } from '../src/store/types.js';
import { fmt, machineLine, seededRandom, summarize, syntheticEmbedder } from './bench-lib.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { z } from 'zod';
import os from 'node:os';
import path from 'node:path';

const HELP = `npm run bench -- [--sizes 1000,10000] [--queries 2000] [--requests 1000] [--outcomes 20000] [--concurrency 64] [--seconds 20]`;
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    queries: { type: 'string', default: '2000' },
    requests: { type: 'string', default: '1000' },
    outcomes: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '20' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const MODELS = ['gpt-4o', 'claude-sonnet-4', 'claude-3-5-haiku', 'deepseek-chat', 'gpt-4o-mini', 'llama-3.1-8b-instant'];
const CLUSTERS = 50;

function tempConfig(overrides: Record<string, unknown>) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-bench-'));
  return loadConfig({ env: {}, file: 'router.config.yaml', overrides: { dataDir, log: { level: 'silent' }, seedOnEmpty: false, ...overrides } });
}

/** A store with `size` synthetic references in CLUSTERS intents, each with random records. */
async function syntheticDeps(size: number): Promise<Deps> {
  const embedder = syntheticEmbedder(384, CLUSTERS);
  const deps = await bootstrap(tempConfig({}), silentLogger(), { embedder });
  const rand = seededRandom(size);
  const record = (): WinRecord => ({ wins: Math.floor(rand() * 8), losses: Math.floor(rand() * 8), ties: Math.floor(rand() * 2) });
  const items = Array.from({ length: size }, (_, i) => {
    const cluster = i % CLUSTERS;
    return { text: `${cluster}:${i}`, intent: `intent_${cluster}`, contentHash: `h${i}`, records: Object.fromEntries(MODELS.map((m) => [m, record()])) };
  });
  deps.references.writeSet('synthetic', null, items);
  await deps.index.embedMissing();
  return deps;
}

async function decisionTime(size: number, queries: number): Promise<void> {
  const t0 = performance.now();
  const deps = await syntheticDeps(size);
  const buildS = (performance.now() - t0) / 1000;
  const router = deps.router;
  const vectors = await deps.embedder.embed(Array.from({ length: queries }, (_, i) => `${i % CLUSTERS}:${10_000_000 + i}`));
  for (const v of vectors.slice(0, 200)) router.decideFor(v, { prompt: 'warm up', constraints: {} });
  const total: number[] = [];
  const search: number[] = [];
  for (const v of vectors) {
    const start = performance.now();
    const { searchMs } = router.decideFor(v, { prompt: 'a prompt of ordinary length for token estimates', constraints: {} });
    total.push(performance.now() - start);
    search.push(searchMs);
  }
  console.log(`decision (no embedding) @ ${size} refs: ${fmt(summarize(total))}   [built in ${buildS.toFixed(1)} s]`);
  console.log(`  of which HNSW search:  ${fmt(summarize(search))}`);
  cleanup(deps);
}

const PROMPTS = [
  'Write a Python function that merges two sorted lists',
  'Summarize this meeting transcript in three bullet points',
  'Translate "where is the train station" into German',
  'What is the capital of Australia?',
  'Fix the null pointer exception in this Java method',
  'Recommend a good pair of hiking boots for wide feet',
  'Draft a polite email asking my landlord to fix the heating',
  'A train leaves at 3pm going 60 mph; when does it arrive 150 miles away?',
];

async function routeTime(requests: number): Promise<void> {
  const deps = await bootstrap(tempConfig({ seedOnEmpty: true }), silentLogger(), { embedder: new LexicalEmbedder({ dims: 1024 }) });
  const app = createApp(appDepsOf(deps, silentLogger()));
  const body = (i: number) => JSON.stringify({ prompt: `${PROMPTS[i % PROMPTS.length]} (${i})` });
  const call = (i: number) => app.request('/v1/route', { method: 'POST', body: body(i), headers: { 'content-type': 'application/json' } });
  for (let i = 0; i < 100; i++) await (await call(i)).text();
  const inProcess: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await (await call(i)).text();
    inProcess.push(performance.now() - start);
  }
  console.log(`POST /v1/route, lexical embedder, ${deps.index.size} refs, in-process app.request: ${fmt(summarize(inProcess))}`);

  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const overHttp: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/v1/route`, { method: 'POST', body: body(i), headers: { 'content-type': 'application/json' } });
    await res.text();
    overHttp.push(performance.now() - start);
  }
  console.log(`POST /v1/route, lexical embedder, loopback HTTP (sequential, keep-alive):   ${fmt(summarize(overHttp))}`);
  await new Promise((resolve) => server.close(resolve));
  cleanup(deps);
}

/**
 * Outcome ingestion with durable commits (WAL, synchronous=FULL): `concurrency` submissions in
 * flight through POST /v1/outcomes, each answered only after its group-commit transaction is on disk.
 */
async function outcomeThroughput(total: number, concurrency: number): Promise<void> {
  const deps = await bootstrap(tempConfig({ seedOnEmpty: true }), silentLogger(), { embedder: new LexicalEmbedder({ dims: 1024 }) });
  const app = createApp(appDepsOf(deps, silentLogger()));
  const decisionIds: string[] = [];
  for (let i = 0; i < 200; i++) decisionIds.push((await deps.router.route({ prompt: `${PROMPTS[i % PROMPTS.length]} #${i}`, constraints: {} })).decisionId);
  const models = deps.config.catalog.map((m) => m.id);
  let next = 0;
  const latencies: number[] = [];
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const body = JSON.stringify({ decisionId: decisionIds[i % decisionIds.length], model: models[i % models.length], outcome: { success: i % 3 !== 0 }, latencyMs: 800 });
      const start = performance.now();
      const res = await app.request('/v1/outcomes', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      if (res.status !== 201) throw new Error(`outcome ${i} answered ${res.status}`);
      await res.text();
      latencies.push(performance.now() - start);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const stored = deps.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outcomes').get()?.n ?? 0;
  console.log(`outcomes: ${total} in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)} outcomes/s (concurrency ${concurrency}, synchronous=FULL, ${stored} rows stored)`);
  console.log(`  per-outcome latency: ${fmt(summarize(latencies))}`);
  cleanup(deps);
}

/** autocannon in its own process against our server on loopback: the load generator does not share our thread. */
async function autocannon(url: string, body: string, seconds: number, connections: number): Promise<{ rps: number; p50: number; p99: number; non2xx: number; total: number }> {
  const args = ['-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-c', String(connections), '-d', String(seconds), '-j', url];
  const out = await new Promise<string>((resolve, reject) => {
    execFile('node_modules/.bin/autocannon', args, { maxBuffer: 16 * 2 ** 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const r = AutocannonResult.parse(JSON.parse(out));
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors, total: r.requests.total };
}

const AutocannonResult = z.object({
  requests: z.object({ average: z.number(), total: z.number() }),
  latency: z.object({ p50: z.number(), p99: z.number() }),
  non2xx: z.number(),
  errors: z.number(),
});

async function outcomesOverHttp(seconds: number, connections: number): Promise<void> {
  const deps = await bootstrap(tempConfig({ seedOnEmpty: true }), silentLogger(), { embedder: new LexicalEmbedder({ dims: 1024 }) });
  const server = serve({ fetch: createApp(appDepsOf(deps, silentLogger())).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const { decisionId } = await deps.router.route({ prompt: PROMPTS[0] ?? '', constraints: {} });
  const body = JSON.stringify({ decisionId, model: 'gpt-4o-mini', outcome: { success: true }, latencyMs: 800 });
  const r = await autocannon(`http://127.0.0.1:${port}/v1/outcomes`, body, seconds, connections);
  const stored = deps.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outcomes').get()?.n ?? 0;
  console.log(`outcomes over loopback HTTP (autocannon, ${connections} connections, ${seconds} s, synchronous=FULL): ${r.rps.toFixed(0)} outcomes/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.non2xx} errors; ${r.total} acknowledged, ${stored} rows stored`);
  await new Promise((resolve) => server.close(resolve));
  cleanup(deps);
}

function cleanup(deps: Deps): void {
  deps.close();
  rmSync(deps.config.dataDir, { recursive: true, force: true });
}

console.log(machineLine());
for (const size of values.sizes.split(',').map(Number)) await decisionTime(size, Number(values.queries));
await routeTime(Number(values.requests));
await outcomeThroughput(Number(values.outcomes), Number(values.concurrency));
await outcomesOverHttp(Number(values.seconds), Number(values.concurrency));
