import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoverageReportSchema } from '../../src/coverage/report-schema.js';
import { renderReport } from '../../src/coverage/render/render.js';
import { DecisionResponseSchema } from '../../src/server/outcome-schemas.js';
import { ProblemSchema, RouteResponseSchema } from '../../src/server/schemas.js';
import { appFor, makeTestDeps } from '../helpers/test-deps.js';

type TestDeps = Awaited<ReturnType<typeof makeTestDeps>>;
let deps: TestDeps;
let app: ReturnType<typeof appFor>;

beforeAll(async () => {
  deps = await makeTestDeps();
  app = appFor(deps);
});
afterAll(() => deps.cleanup());

function post(body: unknown, target: ReturnType<typeof appFor> = app) {
  return target.request('/v1/route', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

async function route(body: unknown, target?: ReturnType<typeof appFor>) {
  const res = await post(body, target);
  expect(res.status).toBe(200);
  return RouteResponseSchema.parse(await res.json());
}

const CODE_PROMPT = 'Write a Python function that merges two sorted lists';

describe('POST /v1/route: no intent without evidence', () => {
  it('reads an uncovered decision back with no intent, and its nearest intent apart', async () => {
    const r = await route({ prompt: 'Recommend a good pair of hiking boots for wide feet' });
    expect(r).toMatchObject({ covered: false, intent: null });
    deps.queue.flush();
    const stored = DecisionResponseSchema.parse(await (await app.request(`/v1/decisions/${r.decisionId}`)).json());
    expect(stored).toMatchObject({ covered: false, intent: null, nearestIntent: r.nearestIntent });
    const covered = await route({ prompt: CODE_PROMPT });
    deps.queue.flush();
    const back = DecisionResponseSchema.parse(await (await app.request(`/v1/decisions/${covered.decisionId}`)).json());
    expect(back).toMatchObject({ covered: true, intent: 'code_generation', nearestIntent: 'code_generation' });
  });

  it('refuses an empty or whitespace-only prompt with a 400 problem', async () => {
    for (const prompt of ['', '   \n\t ']) {
      const res = await post({ prompt });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const p = ProblemSchema.parse(await res.json());
      expect(p.errors?.some((e) => e.path === 'prompt')).toBe(true);
    }
  });

  it('routes messages without any user text uncovered, reason empty, with no intent at all', async () => {
    for (const messages of [
      [{ role: 'system', content: 'You are a senior Python engineer. Write a Python function that merges two sorted lists.' }],
      [{ role: 'user', content: '   ' }],
    ]) {
      const r = await route({ messages });
      // The model is the uncovered fallback (the policy's choice); what matters here is that no evidence was claimed.
      expect(r).toMatchObject({ covered: false, reason: 'empty', intent: null, nearestIntent: null, topSimilarity: null, confidence: 0 });
    }
  });

  it('routes a prompt in a language the embedder does not read as uncovered, reason language', async () => {
    const english = await route({ prompt: CODE_PROMPT });
    expect(english.covered).toBe(true);
    for (const prompt of ['Écris une fonction Python qui fusionne deux listes triées, s’il te plaît.', '二つのソート済みリストをマージするPython関数を書いてください', 'Напиши функцию на Python, которая объединяет два отсортированных списка']) {
      const r = await route({ prompt });
      expect(r).toMatchObject({ covered: false, reason: 'language', intent: null, confidence: 0 });
    }
  });

  it('lists prompts in other languages in the coverage report as their own group, with the detected language and redacted text', async () => {
    const french = 'Bonjour, pouvez-vous écrire à marie.dupont@example.fr pour confirmer la réservation de la salle de réunion ?';
    const japanese = '明日の会議の議事録を三行で要約してください';
    const fr = await route({ prompt: french });
    expect(fr).toMatchObject({ reason: 'language', routedOn: { language: 'fr' } });
    for (let i = 0; i < 2; i++) expect((await route({ prompt: japanese })).routedOn.language).toBe('ja');
    deps.queue.flush();
    const raw = await (await app.request('/v1/coverage')).text();
    const report = CoverageReportSchema.parse(JSON.parse(raw));
    const frRow = report.otherLanguage?.find((p) => p.decisionId === fr.decisionId);
    expect(frRow).toMatchObject({ language: 'fr', count: 1 });
    expect(frRow?.text).toContain('[EMAIL]');
    expect(report.otherLanguage?.find((p) => p.text === japanese)).toMatchObject({ language: 'ja', count: 2 });
    expect(report.totals.otherLanguage).toBeGreaterThanOrEqual(3);
    for (const format of ['table', 'md', 'html'] as const) {
      const page = await renderReport(report, format);
      expect(page).toContain('Prompts in other languages');
      expect(page).toContain('French (fr)');
      expect(page).toContain('Japanese (ja)');
      expect(page).toContain(japanese);
      expect(page).not.toContain('marie.dupont@example.fr');
    }
    expect(raw).not.toContain('marie.dupont@example.fr');
  });

  it('leaves English with a quoted foreign passage alone', async () => {
    const r = await route({ prompt: 'Translate into English: "Nous avons bien reçu votre demande et nous reviendrons vers vous."' });
    expect(r.reason).not.toBe('language');
  });
});

describe('a multilingual embedder', () => {
  it('routes a French prompt on its neighbours, with no language check', async () => {
    const multi = await makeTestDeps({ embedding: { backend: 'transformers', modelId: 'tiny-bert', localModelPath: deps.config.embedding.localModelPath, allowRemote: false, dtype: 'fp32', multilingual: true } });
    try {
      const r = await route({ prompt: 'Écris une fonction Python qui fusionne deux listes triées.' }, appFor(multi));
      expect(r.reason).not.toBe('language');
    } finally {
      multi.cleanup();
    }
  });
});
