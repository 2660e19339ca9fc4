import { afterEach, describe, expect, it } from 'vitest';
import { DecisionResponseSchema } from '../../src/server/outcome-schemas.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { startAdminApp } from '../helpers/admin-app.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

const RULES = [
  { name: 'greetings-to-big', when: { keywords: ['hello'] }, then: { pin: 'big' } },
  { name: 'free-tier', when: { tier: ['free'] }, then: { exclude: ['big'], costWeight: 0.5 } },
];
const PROMPT = 'Hello! What is new with you today?';

describe('GET /v1/decisions/:id', () => {
  it('keeps the rule, ignored pin, exclusions, threshold, constraints, explanation and the records the neighbours had then', async () => {
    const s = await startAdminApp({ rules: RULES });
    running.push(s.stop);
    const res = await s.call('POST', '/v1/route', { prompt: PROMPT, tier: 'free', maxPricePer1M: 100, explain: true });
    const routed = RouteResponseSchema.parse(await res.json());
    expect(routed.model).toBe('small');
    expect(routed.explanation).toMatch(/^small: .*; rule 'greetings-to-big' pins big, but rule 'free-tier' excludes it$/);
    const top = routed.neighbors?.[0];
    if (!top) throw new Error('no neighbours');

    // Later changes to the neighbour's records must not rewrite the past decision.
    expect((await s.call('POST', '/v1/admin/references', { prompt: top.text, records: { small: { wins: 50 } } })).status).toBe(200);
    const stored = DecisionResponseSchema.parse(await (await s.call('GET', `/v1/decisions/${routed.decisionId}`)).json());
    expect(stored).toMatchObject({
      model: 'small',
      rule: 'greetings-to-big',
      rulesMatched: ['greetings-to-big', 'free-tier'],
      ruleIgnored: { rule: 'greetings-to-big', model: 'big', reason: "rule 'free-tier' excludes it" },
      excluded: [{ model: 'big', why: 'excluded_by_rule' }],
      coverageThreshold: routed.coverageThreshold,
      costWeight: 0.5,
      constraints: { models: null, maxPricePer1M: 100, costWeight: null },
      tier: 'free',
      k: 10,
      explanation: routed.explanation,
    });
    expect(stored.evidence.map((e) => e.id)).toEqual(routed.neighbors?.map((n) => n.id));
    expect(stored.evidence[0]?.records).toEqual(top.records);
    expect(stored.evidence[0]?.records?.['small']?.wins).not.toBe(50);
  });

  it('adds the explanation to a route only when asked', async () => {
    const s = await startAdminApp();
    running.push(s.stop);
    const plain = RouteResponseSchema.parse(await (await s.call('POST', '/v1/route', { prompt: 'Write a Python function that reverses a string' })).json());
    expect(plain.explanation).toBeUndefined();
    const explained = RouteResponseSchema.parse(await (await s.call('POST', '/v1/route', { prompt: 'Write a Python function that reverses a string', explain: true })).json());
    expect(explained.explanation).toMatch(new RegExp(`^${explained.model}: `));
    expect(explained.explanation).toMatch(/costWeight 0\.1\)$/);
  });
});
