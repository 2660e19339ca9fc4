import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoverageReportSchema } from '../../src/coverage/report-schema.js';
import { ProblemSchema } from '../../src/server/schemas.js';
import { appFor, makeTestDeps, OFF_TOPIC_THRESHOLD } from '../helpers/test-deps.js';

type TestDeps = Awaited<ReturnType<typeof makeTestDeps>>;

const BOOTS = 'Recommend a good pair of hiking boots for wide feet';
const KNOWN = 'Write a Python function that merges two sorted lists';

async function routeAll(app: ReturnType<typeof appFor>, prompts: readonly string[]): Promise<void> {
  for (const prompt of prompts) {
    const res = await app.request('/v1/route', { method: 'POST', body: JSON.stringify({ prompt }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  }
}

async function report(app: ReturnType<typeof appFor>, query = '') {
  const res = await app.request(`/v1/coverage${query}`);
  expect(res.status).toBe(200);
  return CoverageReportSchema.parse(await res.json());
}

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return ProblemSchema.parse(await res.json());
}

describe('GET /v1/coverage', () => {
  let deps: TestDeps;
  let app: ReturnType<typeof appFor>;
  beforeAll(async () => {
    deps = await makeTestDeps(OFF_TOPIC_THRESHOLD);
    app = appFor(deps);
  });
  afterAll(() => deps.cleanup());

  it('answers an empty report before any traffic', async () => {
    const r = await report(app);
    expect(r.totals).toMatchObject({ decisions: 0, covered: 0, uncovered: 0, coveredRate: null });
    expect(r.candidates).toEqual([]);
    expect(r.intents.length).toBeGreaterThan(0);
    expect(r.intents.every((i) => i.basis === 'references' && i.traffic === 0)).toBe(true);
    expect(r.map).toBeUndefined();
  });

  it('counts the routed traffic and groups repeated uncovered prompts into a candidate, named from their kept text', async () => {
    await routeAll(app, [KNOWN, KNOWN, BOOTS, BOOTS, BOOTS, BOOTS]);
    const r = await report(app, '?minCluster=3&since=1d');
    expect(r.totals.decisions).toBe(6);
    expect(r.totals.covered + r.totals.uncovered).toBe(6);
    expect(r.totals.uncovered).toBeGreaterThanOrEqual(4);
    const boots = r.candidates.find((c) => c.size >= 4);
    expect(boots).toBeDefined();
    expect(boots?.name).toMatch(/hiking|boots|wide|feet/);
    // One prompt sent four times is one representative, with its count.
    expect(boots?.representatives).toHaveLength(1);
    expect(boots?.representatives[0]).toMatchObject({ text: BOOTS, count: 4 });
    expect(r.candidates.reduce((s, c) => s + c.size, 0)).toBe(r.totals.clustered);
    expect(r.drift.points.at(-1)?.decisions).toBe(6);
    const code = r.intents.find((i) => i.intent === 'code_generation');
    expect(code?.traffic).toBeGreaterThanOrEqual(2);
    expect(code?.models.map((m) => m.model).sort()).toEqual(deps.config.catalog.map((m) => m.id).sort());
  });

  it('leaves decisions older than `since` out', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await report(app, `?since=${encodeURIComponent(future)}`)).totals.decisions).toBe(0);
  });

  it('rejects a bad query with problem+json naming the field', async () => {
    for (const [query, field] of [
      ['?since=yesterday', 'since'],
      ['?minCluster=1', 'minCluster'],
      ['?minCluster=abc', 'minCluster'],
      ['?bogus=1', '(root)'],
    ] as const) {
      const p = await problem(await app.request(`/v1/coverage${query}`), 400);
      expect(p.code ?? p.title).toBe('VALIDATION_FAILED');
      expect(p.errors?.map((e) => e.path)).toContain(field);
      expect(p.instance).toBeTruthy();
    }
  });
});

describe('GET /v1/coverage with log.includePrompts', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await makeTestDeps({ ...OFF_TOPIC_THRESHOLD, log: { level: 'silent', includePrompts: true } });
  });
  afterAll(() => deps.cleanup());

  it('shows representative texts and a name drawn from them', async () => {
    const app = appFor(deps);
    await routeAll(app, [BOOTS, BOOTS, BOOTS]);
    const r = await report(app);
    const boots = r.candidates[0];
    expect(boots?.representatives[0]?.text).toBe(BOOTS);
    expect(boots?.name).toMatch(/hiking|boots|wide|feet|recommend/);
  });
});
