import { serve } from '@hono/node-server';
import { z } from 'zod';
import { appDepsOf, bootstrap } from '../../src/cli/bootstrap.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';
import { createApp } from '../../src/server/app.js';
import { silentLogger } from '../../src/shared/logger.js';
import { summarize, type LatencySummary } from '../bench-lib.js';
import { autocannon, autocannonCommand, type LoadResult } from './autocannon.js';
import { cleanup, close, listen, PROMPTS, tempConfig } from './fixtures.js';
import { framingApp, trivialApp } from './trivial-app.js';

export interface HttpOptions {
  /** Sequential in-process requests. */
  readonly requests: number;
  readonly connections: readonly number[];
  readonly seconds: number;
  /** Each round runs the trivial handler, the framing-only one, then /v1/route; rounds alternate so drift hits all three. */
  readonly rounds: number;
}

/**
 * trivial: the ceiling the issue names. framing: what any real handler of this API pays before
 * routing (the body read and validated, the same response bytes). route: the real /v1/route.
 */
export const TARGETS = ['trivial', 'framing', 'route'] as const;
export type Target = (typeof TARGETS)[number];

export interface HttpRun {
  readonly target: Target;
  readonly connections: number;
  readonly round: number;
  readonly command: string;
  readonly result: LoadResult;
}

export interface HttpResult {
  readonly references: number;
  readonly embedder: string;
  readonly inProcess: { readonly total: LatencySummary; readonly embed: LatencySummary; readonly search: LatencySummary; readonly decide: LatencySummary };
  readonly runs: readonly HttpRun[];
}

const RouteTimings = z.object({ timings: z.object({ embedMs: z.number(), searchMs: z.number(), decideMs: z.number() }) });

/**
 * One constant prompt: nothing on the /v1/route path caches by prompt (each request is embedded,
 * searched, decided and logged). autocannon's -I id replacement is not used: it breaks the body's
 * content-length and stalls the connection.
 */
const BODY = JSON.stringify({ prompt: PROMPTS[0] ?? '' });

/**
 * POST /v1/route with the lexical embedder over the bundled reference sets: in-process (no network)
 * and over loopback HTTP under autocannon, side by side with a trivial Hono handler and a framing-only one in the same process.
 */
export async function measureHttp(opts: HttpOptions, log: (line: string) => void): Promise<HttpResult> {
  const config = tempConfig({ seedOnEmpty: true, embedding: { backend: 'lexical' } });
  const embedder = new LexicalEmbedder({ dims: config.embedding.lexicalDims });
  const deps = await bootstrap(config, silentLogger(), { embedder });
  const app = createApp(appDepsOf(deps, silentLogger()));
  const inProcess = await inProcessTimes(app, opts.requests);

  const routeResponse = await (await app.request('/v1/route', { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } })).json();
  const servers = {
    route: serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }),
    trivial: serve({ fetch: trivialApp().fetch, hostname: '127.0.0.1', port: 0 }),
    framing: serve({ fetch: framingApp(routeResponse).fetch, hostname: '127.0.0.1', port: 0 }),
  };
  const ports = { route: await listen(servers.route), trivial: await listen(servers.trivial), framing: await listen(servers.framing) };
  const runs: HttpRun[] = [];
  for (const connections of opts.connections) {
    for (let round = 1; round <= opts.rounds; round++) {
      for (const target of TARGETS) {
        const load = { url: `http://127.0.0.1:${ports[target]}/v1/route`, body: BODY, seconds: opts.seconds, connections };
        const result = await autocannon(load);
        log(`  ${target} c=${connections} round ${round}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, ${result.errors} errors`);
        runs.push({ target, connections, round, command: autocannonCommand(load), result });
      }
    }
  }
  for (const server of Object.values(servers)) await close(server);
  const references = deps.index.size;
  cleanup(deps);
  return { references, embedder: `lexical (${embedder.fingerprint.modelId}, ${embedder.fingerprint.dims} dims)`, inProcess, runs };
}

async function inProcessTimes(app: ReturnType<typeof createApp>, requests: number): Promise<HttpResult['inProcess']> {
  const call = (i: number) =>
    app.request('/v1/route', { method: 'POST', body: JSON.stringify({ prompt: `${PROMPTS[i % PROMPTS.length] ?? ''} (${i})` }), headers: { 'content-type': 'application/json' } });
  for (let i = 0; i < 100; i++) await (await call(i)).text();
  const total: number[] = [];
  const embed: number[] = [];
  const search: number[] = [];
  const decide: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    const res = await call(i);
    const body = RouteTimings.parse(await res.json());
    total.push(performance.now() - start);
    embed.push(body.timings.embedMs);
    search.push(body.timings.searchMs);
    decide.push(body.timings.decideMs);
  }
  return { total: summarize(total), embed: summarize(embed), search: summarize(search), decide: summarize(decide) };
}

/** Mean requests/s per target and connection count over the rounds. */
export function meanRps(runs: readonly HttpRun[], target: Target, connections: number): number {
  const mine = runs.filter((r) => r.target === target && r.connections === connections);
  return mine.reduce((s, r) => s + r.result.rps, 0) / Math.max(1, mine.length);
}
