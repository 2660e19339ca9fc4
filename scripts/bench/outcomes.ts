import { serve } from '@hono/node-server';
import { appDepsOf, bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';
import { createApp } from '../../src/server/app.js';
import { silentLogger } from '../../src/shared/logger.js';
import { fmt, summarize, type LatencySummary } from '../bench-lib.js';
import { autocannon, autocannonCommand, type LoadResult } from './autocannon.js';
import { cleanup, close, listen, PROMPTS, tempConfig } from './fixtures.js';

export interface OutcomesInProcess {
  readonly total: number;
  readonly concurrency: number;
  readonly perSecond: number;
  readonly stored: number;
  readonly latency: LatencySummary;
}

export interface OutcomesOverHttp {
  readonly connections: number;
  readonly seconds: number;
  readonly command: string;
  readonly result: LoadResult;
  readonly stored: number;
}

async function lexicalDeps(): Promise<Deps> {
  return bootstrap(tempConfig({ seedOnEmpty: true }), silentLogger(), { embedder: new LexicalEmbedder({ dims: 1024 }) });
}

/**
 * Outcome ingestion with durable commits (WAL, synchronous=FULL): `concurrency` submissions in
 * flight through POST /v1/outcomes, each answered only after its group-commit transaction is on disk.
 */
export async function outcomeThroughput(total: number, concurrency: number): Promise<OutcomesInProcess> {
  const deps = await lexicalDeps();
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
  const latency = summarize(latencies);
  console.log(`outcomes: ${total} in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)} outcomes/s (concurrency ${concurrency}, synchronous=FULL, ${stored} rows stored)`);
  console.log(`  per-outcome latency: ${fmt(latency)}`);
  cleanup(deps);
  return { total, concurrency, perSecond: total / seconds, stored, latency };
}

export async function outcomesOverHttp(seconds: number, connections: number): Promise<OutcomesOverHttp> {
  const deps = await lexicalDeps();
  const server = serve({ fetch: createApp(appDepsOf(deps, silentLogger())).fetch, hostname: '127.0.0.1', port: 0 });
  const port = await listen(server);
  const { decisionId } = await deps.router.route({ prompt: PROMPTS[0] ?? '', constraints: {} });
  const body = JSON.stringify({ decisionId, model: 'gpt-5-mini', outcome: { success: true }, latencyMs: 800 });
  const load = { url: `http://127.0.0.1:${port}/v1/outcomes`, body, seconds, connections };
  const r = await autocannon(load);
  const stored = deps.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outcomes').get()?.n ?? 0;
  console.log(
    `outcomes over loopback HTTP (autocannon, ${connections} connections, ${seconds} s, synchronous=FULL): ${r.rps.toFixed(0)} outcomes/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.errors} errors; ${r.total} acknowledged, ${stored} rows stored`,
  );
  await close(server);
  cleanup(deps);
  return { connections, seconds, command: autocannonCommand(load), result: r, stored };
}
