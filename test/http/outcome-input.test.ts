import { afterEach, describe, expect, it } from 'vitest';
import { OutcomeResponseSchema } from '../../src/server/outcome-schemas.js';
import { ProblemSchema, RouteResponseSchema } from '../../src/server/schemas.js';
import { startAdminApp } from '../helpers/admin-app.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

async function start() {
  const s = await startAdminApp();
  running.push(s.stop);
  const route = async (prompt: string) => RouteResponseSchema.parse(await (await s.call('POST', '/v1/route', { prompt })).json());
  return { ...s, route };
}

const PROMPT = 'Write a Python function that reverses a linked list';

describe('POST /v1/outcomes with an idempotency key', () => {
  it('answers a true duplicate with the original answer, learnedInto and promotion included', async () => {
    const s = await start();
    const d = await s.route(PROMPT);
    const body = { decisionId: d.decisionId, model: 'small', outcome: { opponent: 'big', result: 'win' }, idempotencyKey: 'k-1' };
    const first = OutcomeResponseSchema.parse(await (await s.call('POST', '/v1/outcomes', body)).json());
    expect(first.learnedInto.length).toBeGreaterThan(0);
    const again = await s.call('POST', '/v1/outcomes', body);
    expect(again.status).toBe(200);
    expect(OutcomeResponseSchema.parse(await again.json())).toEqual({ ...first, duplicate: true });

    // A promotion is part of the answer too (promoteAfter is 3 in the shipped config).
    const prompt = 'Explain how a B-tree keeps itself balanced after a deletion';
    let promoted = null;
    for (let i = 0; i < 3; i += 1) {
      const res = OutcomeResponseSchema.parse(await (await s.call('POST', '/v1/outcomes', { prompt, model: 'big', outcome: { success: true }, idempotencyKey: `p-${i}` })).json());
      promoted = res;
    }
    expect(promoted?.promotedReferenceId).not.toBeNull();
    const retried = OutcomeResponseSchema.parse(await (await s.call('POST', '/v1/outcomes', { prompt, model: 'big', outcome: { success: true }, idempotencyKey: 'p-2' })).json());
    expect(retried).toEqual({ ...promoted, duplicate: true });
  });

  it('refuses the same key with a different outcome with a 409 problem, and learns nothing from it', async () => {
    const s = await start();
    const d = await s.route(PROMPT);
    const body = { decisionId: d.decisionId, model: 'small', outcome: { success: true } };
    expect((await s.call('POST', '/v1/outcomes', body, { 'idempotency-key': 'k-2' })).status).toBe(201);
    const before = s.deps.db.prepare('SELECT COUNT(*) AS n FROM outcomes').get();
    for (const changed of [{ ...body, outcome: { success: false } }, { ...body, model: 'big' }, { ...body, latencyMs: 120 }]) {
      const res = await s.call('POST', '/v1/outcomes', changed, { 'idempotency-key': 'k-2' });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = ProblemSchema.parse(await res.json());
      expect(problem.detail).toMatch(/^idempotency key 'k-2' was already used for outcome \d+ with a different (outcome|model|latencyMs)/);
    }
    expect(s.deps.db.prepare('SELECT COUNT(*) AS n FROM outcomes').get()).toEqual(before);
  });
});

describe('POST /v1/outcomes pairwise', () => {
  it('refuses a model compared with itself (400), and learns nothing', async () => {
    const s = await start();
    const d = await s.route(PROMPT);
    const res = await s.call('POST', '/v1/outcomes', { decisionId: d.decisionId, model: 'small', outcome: { opponent: 'small', result: 'win' } });
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(await res.json()).errors).toEqual([
      { path: 'outcome.opponent', message: 'a pairwise outcome compares two different models; the opponent is the model itself' },
    ]);
    expect(s.deps.db.prepare('SELECT COUNT(*) AS n FROM outcomes').get()).toEqual({ n: 0 });
  });
});
