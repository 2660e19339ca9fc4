import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

  it("explains and stores the cost weight a target calibrated to, the request's over the configured one", async () => {
    // 40 references with records (the fixture sets' 10 are too few to fit): big wins more, small costs less.
    const referenceDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-target-'));
    running.push(() => rmSync(referenceDir, { recursive: true, force: true }));
    const tasks = ['reverses a string', 'sorts a list', 'parses a date', 'merges two lists', 'counts words', 'finds primes', 'reads a CSV file', 'flattens a list'];
    const lines = tasks.flatMap((task, i) =>
      ['Python', 'Go', 'Rust', 'Java', 'Ruby'].map((lang, j) => JSON.stringify({ prompt: `Write a ${lang} function that ${task}`, intent: 'code', records: { big: { wins: 6 + ((i + j) % 3), losses: 2 }, small: { wins: 3 + ((i * j) % 4), losses: 5 } } })),
    );
    writeFileSync(path.join(referenceDir, 'code.jsonl'), `${lines.join('\n')}\n`);
    const s = await startAdminApp({ referenceDir, routing: { defaultModel: 'big', costWeight: 0.1, target: { costShare: 0.3 } } });
    running.push(s.stop);
    const router = s.deps.router;
    const configured = router.targetResolution();
    const asked = router.targetResolution({ qualityShare: 1 });
    if (!configured || !asked) throw new Error('no leave-one-out fit to calibrate a target on');
    const prompt = 'Write a Python function that reverses a list';
    const cases = [
      { body: { prompt, explain: true }, costWeight: configured.costWeight, label: 'costShare 0.3' },
      { body: { prompt, explain: true, target: { qualityShare: 1 } }, costWeight: asked.costWeight, label: 'qualityShare 1' },
    ];
    for (const c of cases) {
      const routed = RouteResponseSchema.parse(await (await s.call('POST', '/v1/route', c.body)).json());
      expect(routed.reason).toBe('covered');
      const weight = String(Math.round(c.costWeight * 100) / 100).replace('.', '\\.');
      expect(routed.explanation).toMatch(new RegExp(`\\(costWeight ${weight} for target ${c.label}\\)$`));
      const stored = DecisionResponseSchema.parse(await (await s.call('GET', `/v1/decisions/${routed.decisionId}`)).json());
      expect(stored).toMatchObject({ costWeight: c.costWeight, k: router.k });
    }
  });
});
