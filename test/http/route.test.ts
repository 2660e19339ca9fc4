import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionResponseSchema } from '../../src/server/outcome-schemas.js';
import { ProblemSchema, ReadyResponseSchema, RouteResponseSchema } from '../../src/server/schemas.js';
import { appFor, makeTestDeps, OFF_TOPIC_THRESHOLD } from '../helpers/test-deps.js';

type TestDeps = Awaited<ReturnType<typeof makeTestDeps>>;
let deps: TestDeps;
let app: ReturnType<typeof appFor>;

beforeAll(async () => {
  deps = await makeTestDeps(OFF_TOPIC_THRESHOLD);
  app = appFor(deps);
});
afterAll(() => deps.cleanup());

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function route(body: unknown) {
  const res = await post('/v1/route', body);
  expect(res.status).toBe(200);
  return RouteResponseSchema.parse(await res.json());
}

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return ProblemSchema.parse(await res.json());
}

const PRICEY = new Set(['gpt-5', 'claude-sonnet-4-5']);

describe('POST /v1/route', () => {
  it('routes a code-generation prompt as covered, to a catalog model', async () => {
    const r = await route({ prompt: 'Write a Python function that merges two sorted lists' });
    expect(r.covered).toBe(true);
    expect(r.reason).toBe('covered');
    expect(r.intent).toBe('code_generation');
    expect(deps.config.catalog.map((m) => m.id)).toContain(r.model);
    expect(new Set([r.model, ...r.fallbacks]).size).toBe(deps.config.catalog.length);
    expect(r.confidence).toBeGreaterThan(0);
  });

  it('gives a prompt far from every reference the configured default model, uncovered', async () => {
    const r = await route({ prompt: 'Recommend a good pair of hiking boots for wide feet' });
    expect(r).toMatchObject({ covered: false, reason: 'uncovered', basis: 'default_model', confidence: 0 });
    expect(r.model).toBe(deps.config.routing.defaultModel);
    // No intent without evidence: the neighbours' vote is reported apart, as nearestIntent.
    expect(r.intent).toBeNull();
    expect(typeof r.nearestIntent).toBe('string');
    expect(r.nearestSimilarity).toBeLessThanOrEqual(1);
  });

  it('never gives an expensive model to a request allowed only cheap ones', async () => {
    const prompts = ['Write a Python function that merges two sorted lists', 'Recommend a good pair of hiking boots for wide feet'];
    for (const prompt of prompts) {
      const byPrice = await route({ prompt, maxPricePer1M: 1 });
      expect(PRICEY.has(byPrice.model)).toBe(false);
      expect(byPrice.fallbacks.some((m) => PRICEY.has(m))).toBe(false);
      const byList = await route({ prompt, models: ['gpt-5-mini', 'llama-3.1-8b-instant'] });
      expect(['gpt-5-mini', 'llama-3.1-8b-instant']).toContain(byList.model);
    }
  });

  it('routes a chat on its last user message', async () => {
    const r = await route({
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: 'Write a Python function that merges two sorted lists' },
      ],
    });
    expect(r.intent).toBe('code_generation');
  });

  it('explains with at most k neighbours, most similar first', async () => {
    const r = await route({ prompt: 'Summarize this meeting transcript in five bullet points', explain: true, k: 5 });
    const sims = (r.neighbors ?? []).map((n) => n.similarity);
    expect(sims.length).toBeGreaterThan(0);
    expect(sims.length).toBeLessThanOrEqual(5);
    expect([...sims].sort((a, b) => b - a)).toEqual(sims);
    for (const s of sims) expect(Math.abs(s)).toBeLessThanOrEqual(1 + 1e-6);
    expect(r.neighbors?.[0]?.text.length).toBeGreaterThan(0);
  });

  it('stores every decision, without the prompt text by default', async () => {
    const r = await route({ prompt: 'Translate "good morning" into French' });
    const res = await app.request(`/v1/decisions/${r.decisionId}`);
    const stored = DecisionResponseSchema.parse(await res.json());
    expect(stored).toMatchObject({ id: r.decisionId, model: r.model, covered: r.covered, promptText: null, fallbacks: r.fallbacks });
    expect(stored.promptHash).toMatch(/^[0-9a-f]{16}$/);
    expect(stored.evidence.map((e) => e.id).length).toBeGreaterThan(0);
    // Committed to SQLite by now (group commit), not only held in memory.
    expect(deps.decisions.get(r.decisionId)?.chosenModel).toBe(r.model);
  });
});

describe('POST /v1/route errors', () => {
  it('rejects invalid JSON', async () => {
    const p = await problem(await post('/v1/route', '{"prompt": '), 400);
    expect(p.code).toBe('VALIDATION_FAILED');
    expect(p.instance).toBeTruthy();
  });

  it('rejects a body with both prompt and messages, or neither', async () => {
    await problem(await post('/v1/route', { prompt: 'a', messages: [{ role: 'user', content: 'b' }] }), 400);
    const p = await problem(await post('/v1/route', {}), 400);
    expect(p.errors?.[0]?.path).toBe('prompt');
  });

  it('names the path of each invalid field', async () => {
    const p = await problem(await post('/v1/route', { prompt: 'x', k: 0, costWeight: -1, surprise: true }), 400);
    const paths = (p.errors ?? []).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['k', 'costWeight']));
  });

  it('rejects unknown models in the allow-list', async () => {
    const p = await problem(await post('/v1/route', { prompt: 'x', models: ['gpt-5', 'gpt-17'] }), 400);
    expect(p.errors).toEqual([{ path: 'models.1', message: "unknown model 'gpt-17'" }]);
  });

  it('answers 422 when no model satisfies the constraints', async () => {
    const p = await problem(await post('/v1/route', { prompt: 'x', maxPricePer1M: 0.0001 }), 422);
    expect(p.code).toBe('NO_ELIGIBLE_MODEL');
  });

  it('answers 413 over the body limit', async () => {
    const big = 'word '.repeat(deps.config.server.maxBodyBytes / 4);
    const p = await problem(await post('/v1/route', { prompt: big }, { 'content-length': String(big.length + 20) }), 413);
    expect(p.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers unknown paths with a 404 problem', async () => {
    await problem(await app.request('/v1/nope'), 404);
  });
});

describe('health', () => {
  it('is alive and ready, naming the active embedder', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = ReadyResponseSchema.parse(await (await app.request('/readyz')).json());
    expect(ready.embedder).toMatchObject({ backend: 'transformers', modelId: 'tiny-bert@fp32' });
    expect(ready.index.size).toBeGreaterThan(200);
    expect(ready.references.intents).toBeGreaterThanOrEqual(12);
  });
});
