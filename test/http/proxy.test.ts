import { serve } from '@hono/node-server';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';
import { budgetState } from '../../src/proxy/budget.js';
import { createApp } from '../../src/server/app.js';
import { ProblemSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { startFakeUpstreams, type Behavior, type FakeUpstreams } from '../helpers/fake-upstream.js';
import { fixtureConfig } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const CODE = 'Write a Python function that reverses a string';
const running: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of running.splice(0).reverse()) await f();
});

interface Setup {
  deps: Deps;
  up: FakeUpstreams;
  url: string;
  post: (body: Record<string, unknown>, headers?: Record<string, string>) => Promise<Response>;
}

/** big (dear) and small (cheap), each behind its own fake upstream; the fixture records favour big for code. */
async function setup(behaviors: Record<string, Behavior>, proxy: Record<string, unknown> = {}, dataDir?: string): Promise<Setup> {
  const up = await startFakeUpstreams(behaviors);
  const dir = dataDir ?? (() => {
    const t = tempDir();
    running.push(t.cleanup);
    return t.dir;
  })();
  const catalog = [
    { id: 'big', provider: 'test', inputPricePer1M: 3, outputPricePer1M: 15, contextWindow: 100_000, upstream: { baseUrl: up.baseUrl('big'), apiKeyEnv: 'BIG_KEY', timeoutMs: 1000 } },
    { id: 'small', provider: 'test', inputPricePer1M: 0.1, outputPricePer1M: 0.4, contextWindow: 100_000, upstream: { baseUrl: up.baseUrl('small'), timeoutMs: 1000 } },
  ];
  const config = fixtureConfig(dir, { catalog, proxy: { backoffMs: 10, ...proxy } });
  const deps = await bootstrap(config, silentLogger(), { embedder: new LexicalEmbedder({ dims: 256 }), env: { BIG_KEY: 'sk-upstream-secret' } });
  const server = serve({ fetch: createApp(appDepsOf(deps, silentLogger())).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  running.push(() => up.close(), () => new Promise<void>((resolve) => server.close(() => resolve())), async () => {
    await deps.proxy.idle();
    deps.close();
  });
  const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return { deps, up, url, post };
}

const user = (content: string) => [{ role: 'user' as const, content }];

describe('POST /v1/chat/completions', () => {
  it('answers through the official OpenAI client, naming the model used and the decision', async () => {
    const { url, up, deps } = await setup({ big: 'healthy', small: 'healthy' });
    const client = new OpenAI({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'router', messages: user(CODE) }).withResponse();
    expect(data.choices[0]?.message.content).toBe('hello from big');
    expect(data.model).toBe('big');
    expect(response.headers.get('x-semroute-decision-id')).toMatch(/[0-9a-f-]{36}/);
    expect(response.headers.get('x-semroute-fallbacks')).toBe('0');
    expect(up.lastBody('big')?.['model']).toBe('big');
    await deps.proxy.idle();
    const outcomes = deps.outcomes.forDecision(response.headers.get('x-semroute-decision-id') ?? '');
    expect(outcomes).toMatchObject([{ model: 'big', value: 1, source: 'proxy' }]);
    expect(outcomes[0]?.costUsd).toBeCloseTo((1000 * 3 + 500 * 15) / 1e6, 9);
  });

  it('honours a concrete catalog model as-is and passes caller errors through unretried', async () => {
    const { post, up } = await setup({ big: 'healthy', small: 'bad_request' });
    const res = await post({ model: 'small', messages: user(CODE) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(up.calls('small')).toBe(1);
    expect(up.calls('big')).toBe(0);
  });

  it('falls back from a failing primary within the deadline, retrying it first', async () => {
    const { post, up, deps } = await setup({ big: 'fail500', small: 'healthy' }, { retries: 1, deadlineMs: 5000 });
    const started = Date.now();
    const res = await post({ model: 'router', messages: user(CODE) });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.headers.get('x-semroute-model')).toBe('small');
    expect(res.headers.get('x-semroute-fallbacks')).toBe('1');
    expect(up.calls('big')).toBe(2);
    await deps.proxy.idle();
    const failures = deps.outcomes.forDecision(res.headers.get('x-semroute-decision-id') ?? '').filter((o) => o.value === 0);
    expect(failures.map((o) => o.model)).toEqual(['big', 'big']);
  });

  it('gives up a timing-out upstream and falls back', async () => {
    const { post } = await setup({ big: 'slow', small: 'healthy' }, { retries: 0 });
    const res = await post({ model: 'router', messages: user(CODE) });
    expect(res.headers.get('x-semroute-model')).toBe('small');
  });

  it('puts a failing model in cooldown, skips it, and takes it back afterwards', async () => {
    const { post, up } = await setup({ big: 'fail429', small: 'healthy' }, { retries: 0, cooldown: { failures: 1, ms: 400 } });
    expect((await post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-fallbacks')).toBe('1');
    up.set('big', 'healthy');
    const during = await post({ model: 'router', messages: user(CODE) });
    expect(during.headers.get('x-semroute-model')).toBe('small');
    expect(during.headers.get('x-semroute-fallbacks')).toBe('0');
    expect(up.calls('big')).toBe(1);
    await new Promise((r) => setTimeout(r, 450));
    const after = await post({ model: 'router', messages: user(CODE) });
    expect(after.headers.get('x-semroute-model')).toBe('big');
  });

  it('escalates an invalid-JSON answer once, to the stronger model', async () => {
    const { post, up } = await setup({ big: 'goodjson', small: 'badjson' });
    const res = await post({ model: 'small', messages: user(CODE), response_format: { type: 'json_object' }, router_escalate: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-semroute-escalated')).toBe('answer_check');
    expect(res.headers.get('x-semroute-model')).toBe('big');
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('{"ok": true}');
    expect([up.calls('small'), up.calls('big')]).toEqual([1, 1]);
    expect(up.lastBody('small')?.['router_escalate']).toBeUndefined();
  });

  it('escalates only once: a second bad answer is returned, flagged', async () => {
    const { post, up } = await setup({ big: 'badjson', small: 'badjson' });
    const schema = { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', required: ['ok'] } } };
    const res = await post({ model: 'small', messages: user(CODE), response_format: schema, router_escalate: true });
    expect(res.headers.get('x-semroute-check')).toBe('failed');
    expect([up.calls('small'), up.calls('big')]).toEqual([1, 1]);
  });

  it('streams server-sent events through chunk by chunk', async () => {
    const { post } = await setup({ big: 'stream', small: 'stream' });
    const started = Date.now();
    const res = await post({ model: 'router', messages: user(CODE), stream: true });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body?.getReader();
    const arrivals: { at: number; text: string }[] = [];
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      arrivals.push({ at: Date.now() - started, text: new TextDecoder().decode(value) });
    }
    const text = arrivals.map((a) => a.text).join('');
    expect(text).toContain('"content":"one "');
    expect(text).toContain('[DONE]');
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    // The first words arrived well before the upstream finished (3 chunks, 150 ms apart).
    expect((arrivals.at(-1)?.at ?? 0) - (arrivals[0]?.at ?? 0)).toBeGreaterThan(250);
  });

  it('refuses with a 429 problem once the budget is spent, or downgrades to the cheapest model', async () => {
    const reject = await setup({ big: 'healthy', small: 'healthy' }, { budgets: { global: { dailyUsd: 0.005 } } });
    expect((await reject.post({ model: 'router', messages: user(CODE) })).status).toBe(200);
    await reject.deps.proxy.idle();
    const refused = await reject.post({ model: 'router', messages: user(CODE) });
    expect(refused.status).toBe(429);
    expect(ProblemSchema.parse(await refused.json()).code).toBe('BUDGET_EXHAUSTED');

    const cheap = await setup({ big: 'healthy', small: 'healthy' }, { budgets: { global: { dailyUsd: 0.005 }, onExhausted: 'cheapest' } });
    expect((await cheap.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('big');
    await cheap.deps.proxy.idle();
    expect((await cheap.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('small');
  });

  it('keeps spend across a restart', async () => {
    const { dir, cleanup } = tempDir();
    running.push(cleanup);
    const budgets = { global: { dailyUsd: 0.005 } };
    const first = await setup({ big: 'healthy', small: 'healthy' }, { budgets }, dir);
    await first.post({ model: 'router', messages: user(CODE) });
    await first.deps.proxy.idle();
    first.deps.close();
    running.pop();
    const second = await setup({ big: 'healthy', small: 'healthy' }, { budgets }, dir);
    const state = budgetState(second.deps.config.proxy.budgets, new (await import('../../src/store/spend-store.js')).SqliteSpendStore(second.deps.db), null, new Date());
    expect(state.exhausted).toBe(true);
    expect((await second.post({ model: 'router', messages: user(CODE) })).status).toBe(429);
  });

  it('never leaks the upstream API key in responses or metrics', async () => {
    const { post, url } = await setup({ big: 'fail500', small: 'fail500' }, { retries: 0 });
    const res = await post({ model: 'router', messages: user(CODE) });
    expect(res.status).toBe(502);
    const text = await res.text() + (await (await fetch(url.replace('/v1', '/metrics'))).text());
    expect(text).not.toContain('sk-upstream-secret');
  });
});
