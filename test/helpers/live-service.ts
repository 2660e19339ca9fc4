import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { appDepsOf, bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import { useKeepAlive } from '../../src/cli/commands/serve.js';
import { loadConfig } from '../../src/config/load.js';
import { createApp } from '../../src/server/app.js';
import { silentLogger } from '../../src/shared/logger.js';
import { PROJECT_ROOT, tempDir, TEST_CONFIG_FILE } from './test-deps.js';

export const ADMIN_TOKEN = 'concurrency-admin-token-0123';

/** The real service over the bundled reference sets, lexical embedder, on a loopback port, in this process. */
export interface LiveService {
  readonly deps: Deps;
  readonly url: string;
  readonly dir: string;
  /** The config file the service was started from (the reload test rewrites it). */
  readonly configFile: string;
  /** The environment a second process (the seed CLI) needs to open the same data with the same embedder. */
  readonly env: Readonly<Record<string, string>>;
  /** The app's error-level log lines so far (a 500's cause), for a failing test to show. */
  errorLog(): readonly string[];
  stop(): Promise<void>;
}

export async function startLiveService(): Promise<LiveService> {
  const { dir, cleanup } = tempDir('semroute-concurrency-');
  const configFile = path.join(dir, 'router.yaml');
  writeFileSync(configFile, readFileSync(TEST_CONFIG_FILE, 'utf8'));
  // The tests' client shares this process's event loop with the service. A refit on a config reload
  // or a rebuild holds that loop for seconds on a loaded machine; with Node's 5 s keep-alive the
  // server's idle timer then fires before it reads a request the client already sent on a reused
  // connection (ECONNRESET), a race that says nothing about what these tests check.
  const env = { ROUTER_DATA_DIR: path.join(dir, 'data'), ROUTER_CONFIG: configFile, ROUTER_EMBEDDING__BACKEND: 'lexical', ROUTER_LOG__LEVEL: 'warn', ROUTER_SERVER__KEEP_ALIVE_TIMEOUT_MS: '600000' };
  const config = loadConfig({ env: { ...env, ROUTER_ADMIN_TOKEN: ADMIN_TOKEN }, file: configFile, overrides: { referenceDir: path.join(PROJECT_ROOT, 'reference-prompts') } });
  const deps = await bootstrap(config, silentLogger());
  const errorLines: string[] = [];
  const appLogger = pino({ level: 'error' }, { write: (line: string) => void errorLines.push(line) });
  const server = serve({ fetch: createApp(appDepsOf(deps, appLogger)).fetch, hostname: '127.0.0.1', port: 0 });
  useKeepAlive(server, config.server.keepAliveTimeoutMs);
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    deps,
    url,
    dir,
    configFile,
    env,
    errorLog: () => errorLines,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      deps.close();
      cleanup();
    },
  };
}

/** POSTs JSON (or sends `method`); a failure to get any answer (reset, refused) comes back as status 0 with its cause. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<{ status: number; body: unknown }> {
  const started = performance.now();
  try {
    const init = method === 'POST' ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } } : { headers };
    const res = await fetch(url, { method, ...init });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { status: 0, body: `${method} ${new URL(url).pathname}: ${cause} after ${Math.round(performance.now() - started)} ms` };
  }
}

export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * Runs `tsx src/cli/main.ts <args>` in its own process; resolves with its exit code and output.
 * ROUTER_CONFIG defaults to the test copy of the shipped config, not ./router.config.yaml (users edit it).
 */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/main.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ROUTER_CONFIG: TEST_CONFIG_FILE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += String(d)));
  child.stderr.on('data', (d: Buffer) => (output += String(d)));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

/** Reference prompts of the bundled sets, read at run time. */
export function bundledPrompts(): { prompt: string; intent: string | null }[] {
  const dir = path.join(PROJECT_ROOT, 'reference-prompts');
  return ['coding', 'business', 'language', 'reasoning'].flatMap((set) =>
    readFileSync(path.join(dir, `${set}.jsonl`), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { prompt: string; intent: string | null }),
  );
}

/** The fields of a POST /v1/route answer (with explain) that these tests read. */
export interface RouteAnswer {
  readonly decisionId: string;
  readonly model: string;
  readonly fallbacks: readonly string[];
  readonly intent: string | null;
  readonly scores: readonly { model: string }[];
  readonly excluded: readonly { model: string }[];
  readonly neighbors: readonly { id: number; text: string; intent: string | null; similarity: number }[];
}

/** Runs `work` in `n` loops until `until()` is true; returns the number of iterations done. */
export async function loop(n: number, until: () => boolean, work: (worker: number, i: number) => Promise<void>): Promise<number> {
  let done = 0;
  await Promise.all(
    Array.from({ length: n }, async (_, worker) => {
      for (let i = 0; !until(); i++) {
        await work(worker, i);
        done += 1;
      }
    }),
  );
  return done;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
