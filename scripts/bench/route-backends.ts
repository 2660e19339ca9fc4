import { execFileSync } from 'node:child_process';
import type { LatencySummary } from '../bench-lib.js';
import { ensureBenchModel } from '../make-bench-model.js';
import type { EmbedDtype } from './embed-model.js';
import { PROMPTS } from './fixtures.js';
import { measureHuge, type HugeResult } from './huge-prompt.js';
import { concurrent, sequential, type ConcurrentResult, type PromptAt } from './route-load.js';
import { rssBytes, startServer, type ServerProcess, type Tree } from './server-process.js';
import { loadTexts } from './texts.js';

export const ROUTE_BACKENDS = ['transformers', 'use-lite', 'lexical'] as const;
export type RouteBackend = (typeof ROUTE_BACKENDS)[number];

export interface RouteBackendsOptions {
  readonly trees: readonly Tree[];
  readonly backends: readonly RouteBackend[];
  /** transformers runs once per dtype (fp32 = onnx/model.onnx, q8 = onnx/model_quantized.onnx), side by side. */
  readonly dtypes: readonly EmbedDtype[];
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
  readonly shortRequests: number;
  readonly longRequests: number;
  readonly modelsDir: string;
  readonly data: string;
  /** Concurrent 190,000-character prompts after the rounds (0 = skip), and their timeout. */
  readonly huge: { readonly concurrency: number; readonly timeoutSeconds: number };
}

export interface RouteRun {
  readonly backend: RouteBackend;
  readonly tree: string;
  readonly round: number;
  readonly short: LatencySummary;
  readonly long: LatencySummary;
  readonly load: ConcurrentResult;
}

export interface RouteServerInfo {
  readonly backend: RouteBackend;
  readonly tree: string;
  readonly commit: string;
  readonly startSeconds: number;
  /** RSS after the runs, bytes. */
  readonly rss: number | null;
}

export interface RouteBackendsResult {
  readonly model: string;
  readonly longWords: number;
  readonly runs: RouteRun[];
  readonly servers: RouteServerInfo[];
  readonly huge: { readonly backend: RouteBackend; readonly tree: string; readonly result: HugeResult }[];
}

/** ROUTER_* settings per backend; transformers runs the generated MiniLM-architecture model offline. */
function backendEnv(backend: RouteBackend, model: { dir: string; id: string }, dtype: EmbedDtype): Record<string, string> {
  if (backend !== 'transformers') return { ROUTER_EMBEDDING__BACKEND: backend };
  return {
    ROUTER_EMBEDDING__BACKEND: 'transformers',
    ROUTER_EMBEDDING__MODEL_ID: model.id,
    ROUTER_EMBEDDING__LOCAL_MODEL_PATH: model.dir,
    ROUTER_EMBEDDING__ALLOW_REMOTE: 'false',
    ROUTER_EMBEDDING__DTYPE: dtype,
  };
}

/** The servers one backend gets: each tree, and for transformers each tree once per dtype. */
function variants(backend: RouteBackend, opts: RouteBackendsOptions): { tree: Tree; dtype: EmbedDtype }[] {
  const dtypes: readonly EmbedDtype[] = backend === 'transformers' ? opts.dtypes : ['fp32'];
  // The dtype is in the label even when only one runs: the default changed (fp32, then q8), so a table must say which.
  return opts.trees.flatMap((t) => dtypes.map((dtype) => ({ tree: backend === 'transformers' ? { ...t, label: `${t.label}, ${dtype}` } : t, dtype })));
}

/** A ~400-word prompt of real utterances (CLINC150), with the request number first so every prompt differs. */
function longPrompts(data: string, words = 400): { promptAt: PromptAt; words: number } {
  const parts: string[] = [];
  let count = 0;
  for (const { text } of loadTexts(data, 400).texts) {
    if (count >= words) break;
    parts.push(text.endsWith('?') ? text : `${text}.`);
    count += text.split(/\s+/).length;
  }
  const body = parts.join(' ');
  return { promptAt: (i) => `(${i}) ${body}`, words: count };
}

/** Request numbers per run: each run starts a fresh range, so no prompt is ever sent twice (a vector cache would answer it). */
const RANGE = 1_000_000;

const shortPrompt: PromptAt = (i) => `${PROMPTS[i % PROMPTS.length] ?? ''} (${i})`;

export function commitOf(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * /v1/route per embedding backend, for each tree (e.g. a baseline checkout and this one) and, for
 * transformers, each dtype, each in a `serve` process of its own. One backend's servers run side by
 * side and are measured in alternating order round by round, so load on the machine hits them alike.
 */
export async function measureRouteBackends(opts: RouteBackendsOptions, log: (line: string) => void): Promise<RouteBackendsResult> {
  const model = ensureBenchModel(opts.modelsDir, log);
  const long = longPrompts(opts.data);
  const runs: RouteRun[] = [];
  const servers: RouteServerInfo[] = [];
  const huge: RouteBackendsResult['huge'] = [];
  let offset = 0;
  for (const backend of opts.backends) {
    const started: { tree: Tree; server: ServerProcess }[] = [];
    try {
      for (const { tree, dtype } of variants(backend, opts)) {
        log(`  ${backend}: starting ${tree.label} (${tree.dir}) and seeding the bundled reference sets`);
        const server = await startServer(tree, backendEnv(backend, model, dtype));
        log(`  ${backend}: ${tree.label} ready after ${server.startSeconds.toFixed(1)} s`);
        await sequential(server.url, shortPrompt, 10, (offset += RANGE));
        await sequential(server.url, long.promptAt, 3, (offset += RANGE));
        started.push({ tree, server });
      }
      for (let round = 1; round <= opts.rounds; round++) {
        // Odd rounds in start order, even rounds reversed: no server is always measured first.
        const order = round % 2 === 1 ? started : [...started].reverse();
        for (const { tree, server } of order) {
          const short = await sequential(server.url, shortPrompt, opts.shortRequests, (offset += RANGE));
          const longLatency = await sequential(server.url, long.promptAt, opts.longRequests, (offset += RANGE));
          const load = await concurrent(server.url, shortPrompt, { connections: opts.connections, seconds: opts.seconds, offset: (offset += RANGE) });
          runs.push({ backend, tree: tree.label, round, short, long: longLatency, load });
          log(
            `  ${backend} ${tree.label} round ${round}: short p50 ${short.p50.toFixed(1)} ms, long p50 ${longLatency.p50.toFixed(1)} ms, ` +
              `${load.rps.toFixed(1)} req/s at c=${opts.connections} (${load.errors} errors)`,
          );
        }
      }
      for (const { tree, server } of started) {
        servers.push({ backend, tree: tree.label, commit: commitOf(tree.dir), startSeconds: server.startSeconds, rss: rssBytes(server.pid) });
      }
      // Last: a server that cannot finish a huge prompt stays busy until it is stopped.
      for (const { tree, server } of opts.huge.concurrency > 0 ? started : []) {
        const result = await measureHuge(server.url, opts.huge);
        huge.push({ backend, tree: tree.label, result });
        log(`  ${backend} ${tree.label}: 190,000 characters alone ${result.aloneMs === null ? `> ${result.timeoutSeconds} s` : `${result.aloneMs.toFixed(0)} ms`}` +
          (result.healthz ? `; ${result.concurrent?.ok}/${result.concurrent?.concurrency} at once in ${result.concurrent?.wallMs.toFixed(0)} ms, /healthz p99 ${result.healthz.p99.toFixed(1)} ms` : ''));
      }
    } finally {
      for (const { server } of started) await server.stop();
    }
  }
  return { model: `${model.dir}/${model.id}`, longWords: long.words, runs, servers, huge };
}
