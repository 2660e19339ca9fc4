import { serve } from '@hono/node-server';
import OpenAI from 'openai';
import { afterEach } from 'vitest';
import { appDepsOf, bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';
import { createApp } from '../../src/server/app.js';
import { silentLogger } from '../../src/shared/logger.js';
import type { StoredAttempt } from '../../src/store/attempt-store.js';
import { startFakeUpstream, type FakeUpstream, type Script } from './fake-upstream.js';
import { fixtureConfig } from './lexical-deps.js';
import { tempDir } from './test-deps.js';

/** A prompt the fixture records favour `big` for: `router` picks big, then falls back to small. */
export const CODE = 'Write a Python function that reverses a string';
export const user = (content: string) => [{ role: 'user' as const, content }];

const running: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of running.splice(0).reverse()) await f();
});

export interface ProxySetup {
  readonly deps: Deps;
  readonly up: FakeUpstream;
  /** …/v1 on the real HTTP server. */
  readonly url: string;
  readonly client: OpenAI;
  post(body: Record<string, unknown>, init?: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  /** The attempt log of a decision, once every write has committed. */
  attempts(decisionId: string): Promise<StoredAttempt[]>;
  /** Quality outcomes (win-record changes) of a decision, once every write has committed. */
  outcomes(decisionId: string): Promise<{ model: string; value: number; source: string | null }[]>;
  close(): Promise<void>;
}

export interface SetupOptions {
  readonly proxy?: Record<string, unknown>;
  readonly dataDir?: string;
  /** Extra catalog fields per model, e.g. a smaller contextWindow. */
  readonly models?: Readonly<Record<string, Record<string, unknown>>>;
  readonly timeoutMs?: number;
}

/**
 * The real service on loopback (@hono/node-server) in front of one fake upstream serving `big`
 * (dear) and `small` (cheap) as their scripts say, with the lexical embedder over the fixture sets.
 */
export async function startProxy(scripts: Record<string, Script>, options: SetupOptions = {}): Promise<ProxySetup> {
  const up = await startFakeUpstream(scripts);
  const dir = options.dataDir ?? (() => {
    const t = tempDir();
    running.push(t.cleanup);
    return t.dir;
  })();
  const base = [
    { id: 'big', provider: 'test', inputPricePer1M: 3, outputPricePer1M: 15, contextWindow: 100_000 },
    { id: 'small', provider: 'test', inputPricePer1M: 0.1, outputPricePer1M: 0.4, contextWindow: 100_000 },
  ];
  const catalog = base.map((m) => ({ ...m, upstream: { baseUrl: up.baseUrl(m.id), timeoutMs: options.timeoutMs ?? 1000, ...(m.id === 'big' ? { apiKeyEnv: 'BIG_KEY' } : {}) }, ...options.models?.[m.id] }));
  const config = fixtureConfig(dir, { catalog, proxy: { backoffMs: 10, ...options.proxy } });
  const deps = await bootstrap(config, silentLogger(), { embedder: new LexicalEmbedder({ dims: 256 }), env: { BIG_KEY: 'sk-upstream-secret' } });
  const server = serve({ fetch: createApp(appDepsOf(deps, silentLogger())).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await up.close();
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await deps.proxy.idle();
    deps.close();
  };
  running.push(close);
  return {
    deps,
    up,
    url,
    client: new OpenAI({ baseURL: url, apiKey: 'unused', maxRetries: 0 }),
    post: (body, init = {}) =>
      fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...init.headers }, ...(init.signal ? { signal: init.signal } : {}) }),
    attempts: async (decisionId) => {
      await deps.proxy.idle();
      return deps.db.prepare<[string], StoredAttempt>(
        'SELECT id, decision_id AS decisionId, model, verdict, latency_ms AS latencyMs, cost_usd AS costUsd, usage_estimated AS usageEstimated, created_at AS createdAt FROM attempts WHERE decision_id = ? ORDER BY id',
      ).all(decisionId);
    },
    outcomes: async (decisionId) => {
      await deps.proxy.idle();
      return deps.outcomes.forDecision(decisionId);
    },
    close,
  };
}

