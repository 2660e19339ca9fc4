import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoverageReportSchema } from '../../src/coverage/report-schema.js';
import { renderReport } from '../../src/coverage/render/render.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { sweepExpiredText } from '../../src/store/retention.js';
import { silentLogger } from '../../src/shared/logger.js';
import { appFor, makeTestDeps, OFF_TOPIC_THRESHOLD } from '../helpers/test-deps.js';

type TestDeps = Awaited<ReturnType<typeof makeTestDeps>>;

const EMAIL = 'jane.doe@example.org';
const CARD = '4111 1111 1111 1111';
const WITH_PII = `My sourdough starter smells of nail polish, email me at ${EMAIL}, I paid with card ${CARD}`;
const SOURDOUGH = [
  'How do I revive a sourdough starter that smells like acetone?',
  'My sourdough starter is sluggish after a week in the fridge, what should I feed it?',
  WITH_PII,
];
const KNOWN = 'Write a Python function that merges two sorted lists';

async function route(app: ReturnType<typeof appFor>, prompt: string) {
  const res = await app.request('/v1/route', { method: 'POST', body: JSON.stringify({ prompt }), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  return RouteResponseSchema.parse(await res.json());
}

describe('stored text: uncovered prompts only, PII redacted, within the retention window', () => {
  let deps: TestDeps;
  let app: ReturnType<typeof appFor>;
  beforeAll(async () => {
    deps = await makeTestDeps(OFF_TOPIC_THRESHOLD);
    app = appFor(deps);
  });
  afterAll(() => deps.cleanup());

  it('routes a prompt holding an e-mail address and a card number as uncovered, and the report shows neither', async () => {
    const decisions = [];
    for (const p of SOURDOUGH) decisions.push(await route(app, p));
    const covered = await route(app, KNOWN);
    expect(decisions.at(-1)?.covered).toBe(false);
    deps.queue.flush();
    const stored = deps.decisions.get(decisions.at(-1)?.decisionId ?? '');
    expect(stored?.keptText).toContain('[EMAIL]');
    expect(stored?.keptText).toContain('[CARD]');
    expect(stored?.keptText).not.toContain(EMAIL);
    expect(stored?.promptText).toBeNull();
    // A covered prompt keeps no text by default.
    if (covered.covered) expect(deps.decisions.get(covered.decisionId)?.keptText).toBeNull();

    const res = await app.request('/v1/coverage?minCluster=2');
    const raw = await res.text();
    const report = CoverageReportSchema.parse(JSON.parse(raw));
    const pages = [raw, ...(await Promise.all((['table', 'md', 'html'] as const).map((f) => renderReport(report, f))))];
    for (const page of pages) {
      expect(page).not.toContain(EMAIL);
      expect(page).not.toContain(CARD);
      expect(page).not.toContain(CARD.replace(/ /g, ''));
    }
    const texts = [...report.candidates.flatMap((c) => c.representatives), ...report.scattered].map((r) => r.text ?? '');
    expect(texts.some((t) => t.includes('sourdough'))).toBe(true);
  });

  it('clears kept text older than the retention window and keeps the rest', async () => {
    const holding = deps.decisions.list({}).filter((d) => d.keptText !== null).length;
    expect(holding).toBeGreaterThanOrEqual(1);
    const sweep = (now: Date) => sweepExpiredText({ decisions: deps.decisions, queue: deps.queue, logger: silentLogger(), retentionDays: () => 30, now: () => now });
    expect(await sweep(new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    expect(deps.decisions.list({}).filter((d) => d.keptText !== null)).toHaveLength(holding);
    expect(await sweep(new Date(Date.now() + 31 * 86_400_000))).toBe(holding);
    expect(deps.decisions.list({}).every((d) => d.keptText === null && d.promptText === null && d.vector !== null)).toBe(true);
  });
});

describe('log.keepText none', () => {
  it('keeps no text at all', async () => {
    const deps = await makeTestDeps({ log: { level: 'silent', keepText: 'none' } });
    try {
      const r = await route(appFor(deps), WITH_PII);
      deps.queue.flush();
      expect(deps.decisions.get(r.decisionId)).toMatchObject({ keptText: null, promptText: null });
    } finally {
      deps.cleanup();
    }
  });
});
