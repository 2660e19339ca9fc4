import { afterEach, describe, expect, it } from 'vitest';
import { DecisionResponseSchema } from '../../src/server/outcome-schemas.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { startAdminApp } from '../helpers/admin-app.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

const RULES = [{ name: 'free-tier', when: { tier: ['free'] }, then: { exclude: ['big'], costWeight: 0.5 } }];

describe('decisions.details formats', () => {
  it('answers GET /v1/decisions/:id identically for a row written inline before migration 009 (format 1)', async () => {
    const s = await startAdminApp({ rules: RULES });
    running.push(s.stop);
    const routed = RouteResponseSchema.parse(await (await s.call('POST', '/v1/route', { prompt: 'Write a Python function that reverses a string', tier: 'free', tags: ['a'] })).json());
    const read = async () => DecisionResponseSchema.parse(await (await s.call('GET', `/v1/decisions/${routed.decisionId}`)).json());
    const now = await read();
    expect(now.evidence.length).toBeGreaterThan(0);
    expect(now.evidence.every((e) => e.records !== null)).toBe(true);

    // What the code before migration 009 wrote: everything inline, neighbours with id, similarity, intent and records.
    const { params } = s.deps.db.prepare<[string], { params: string }>("SELECT p.body AS params FROM decisions d JOIN decision_parts p ON p.id = d.details ->> '$.params' WHERE d.id = ?").get(routed.decisionId) ?? { params: 'null' };
    const formatOne = {
      rule: now.rule,
      rulesMatched: now.rulesMatched,
      ruleIgnored: now.ruleIgnored,
      excluded: now.excluded,
      coverageThreshold: now.coverageThreshold,
      costWeight: now.costWeight,
      constraints: now.constraints,
      tier: now.tier,
      tags: now.tags,
      k: now.k,
      params: JSON.parse(params) as unknown,
      neighbours: now.evidence.map((e) => ({ id: e.id, similarity: e.similarity, intent: e.intent, records: e.records })),
      explanation: now.explanation,
    };
    expect(formatOne.params).toEqual(now.params);
    s.deps.db.prepare('UPDATE decisions SET details = ? WHERE id = ?').run(JSON.stringify(formatOne), routed.decisionId);
    expect(await read()).toEqual(now);
  });

  it('stores what decisions share once: a repeated route adds no parts, and no records are stored inline', async () => {
    const s = await startAdminApp();
    running.push(s.stop);
    const parts = () => s.deps.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM decision_parts').get()?.n;
    const route = async () => RouteResponseSchema.parse(await (await s.call('POST', '/v1/route', { prompt: 'Explain how a hash map works', explain: true })).json());
    const first = await route();
    s.deps.queue.flush();
    const afterFirst = parts();
    // One part per distinct neighbour (intent and records) and one for the parameters.
    expect(afterFirst).toBeLessThanOrEqual((first.neighbors?.length ?? 0) + 1);
    const second = await route();
    s.deps.queue.flush();
    expect(parts()).toBe(afterFirst);
    const details = s.deps.db.prepare<[string], { details: string }>('SELECT details FROM decisions WHERE id = ?').get(second.decisionId)?.details ?? '';
    expect(details).not.toContain('wins');
    const stored = DecisionResponseSchema.parse(await (await s.call('GET', `/v1/decisions/${second.decisionId}`)).json());
    expect(stored.evidence.map((e) => e.records)).toEqual(second.neighbors?.map((n) => n.records));
  });
});
