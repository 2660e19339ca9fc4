import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, dataPaths, type Deps } from '../../src/cli/bootstrap.js';
import { createApp } from '../../src/server/app.js';
import { ModelsResponseSchema } from '../../src/server/chat-schemas.js';
import { DecisionResponseSchema, OutcomeResponseSchema } from '../../src/server/outcome-schemas.js';
import { ProblemSchema, RouteResponseSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const running: Deps[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  running.splice(0).forEach((d) => d.close());
  cleanups.splice(0).forEach((f) => f());
});

async function start(dataDir?: string) {
  const dir = dataDir ?? (() => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return t.dir;
  })();
  const deps = await startLexical(fixtureConfig(dir));
  running.push(deps);
  const app = createApp(appDepsOf(deps, silentLogger()));
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const route = async (prompt: string) => RouteResponseSchema.parse(await (await post('/v1/route', { prompt })).json());
  return { deps, app, post, route, dir };
}

function stop(deps: Deps): void {
  running.splice(running.indexOf(deps), 1);
  deps.close();
}

const PROMPT = 'Write a Python function that reverses a linked list';
const PARAPHRASE = 'Write a python function which reverses a linked list';

describe('learning from outcomes', () => {
  it('switches a paraphrase to the model that succeeded, and keeps it across restarts and index loss', async () => {
    const s = await start();
    const first = await s.route(PROMPT);
    expect(first.model).toBe('big');
    for (let i = 0; i < 4; i++) {
      const failed = await s.post('/v1/outcomes', { decisionId: first.decisionId, prompt: PROMPT, model: 'big', outcome: { success: false } });
      expect(failed.status).toBe(201);
      const ok = await s.post('/v1/outcomes', { decisionId: first.decisionId, prompt: PROMPT, model: 'small', outcome: { success: true } });
      expect(ok.status).toBe(201);
    }
    expect((await s.route(PARAPHRASE)).model).toBe('small');

    stop(s.deps);
    const restarted = await start(s.dir);
    expect((await restarted.route(PARAPHRASE)).model).toBe('small');

    stop(restarted.deps);
    rmSync(dataPaths(restarted.deps.config).index);
    const rebuilt = await start(s.dir);
    expect((await rebuilt.route(PARAPHRASE)).model).toBe('small');
  });

  it('promotes a prompt with enough outcomes to a reference of its own', async () => {
    const s = await start();
    const d = await s.route(PROMPT);
    const results = [];
    for (let i = 0; i < 3; i++) {
      const res = await s.post('/v1/outcomes', { decisionId: d.decisionId, prompt: PROMPT, model: 'small', outcome: { score: 0.9 } });
      results.push(OutcomeResponseSchema.parse(await res.json()));
    }
    expect(results[0]?.promotedReferenceId).toBeNull();
    const promoted = results[2]?.promotedReferenceId;
    expect(promoted).toEqual(expect.any(Number));
    expect(s.deps.index.size).toBe(11);
    const next = RouteResponseSchema.parse(await (await s.post('/v1/route', { prompt: PROMPT, explain: true })).json());
    expect(next.neighbors?.[0]?.id).toBe(promoted);
    expect(next.neighbors?.[0]?.records['small']?.wins).toBeCloseTo(2.7, 6);
  });

  it('keeps the intent ranking’s totals equal to what SQLite holds as outcomes arrive, a promotion included', async () => {
    const s = await start();
    const d = await s.route(PROMPT);
    for (let i = 0; i < 3; i++) await s.post('/v1/outcomes', { decisionId: d.decisionId, prompt: PROMPT, model: 'small', outcome: { score: 0.9 } });
    await s.post('/v1/outcomes', { prompt: 'Hello there, how are you?', model: 'big', outcome: { success: false } });
    s.deps.queue.flush();
    const stored = s.deps.references.intentTotals();
    const seen = s.deps.router.intentRecords;
    expect([...seen.keys()].sort()).toEqual([...stored.keys()].sort());
    for (const [intent, byModel] of stored) {
      for (const [model, r] of byModel) {
        const mine = seen.get(intent)?.get(model);
        expect([mine?.wins, mine?.losses, mine?.ties].map((x) => Math.round((x ?? NaN) * 1e9))).toEqual([r.wins, r.losses, r.ties].map((x) => Math.round(x * 1e9)));
      }
    }
  });

  it('counts a duplicate submission (same idempotency key) once', async () => {
    const s = await start();
    const d = await s.route(PROMPT);
    const body = { decisionId: d.decisionId, model: 'small', outcome: { opponent: 'big', result: 'win' } };
    const a = await s.post('/v1/outcomes', body, { 'idempotency-key': 'k-1' });
    const b = await s.post('/v1/outcomes', body, { 'idempotency-key': 'k-1' });
    expect([a.status, b.status]).toEqual([201, 200]);
    const [ra, rb] = [OutcomeResponseSchema.parse(await a.json()), OutcomeResponseSchema.parse(await b.json())];
    expect(rb).toMatchObject({ outcomeId: ra.outcomeId, duplicate: true });
    const decision = DecisionResponseSchema.parse(await (await s.app.request(`/v1/decisions/${d.decisionId}`)).json());
    expect(decision.outcomes).toHaveLength(1);
    expect(decision.evidence.length).toBeGreaterThan(0);
  });

  it('records an outcome whose decision names a reference deleted since, sharing it among the live neighbours', async () => {
    const s = await start();
    const d = await s.route(PROMPT);
    const decision = DecisionResponseSchema.parse(await (await s.app.request(`/v1/decisions/${d.decisionId}`)).json());
    const gone = decision.evidence[0]?.id ?? 0;
    // What DELETE /v1/admin/references/:id does, between the route and its outcome.
    expect(s.deps.references.remove(gone)).toBe(true);
    s.deps.index.remove(gone);
    const res = await s.post('/v1/outcomes', { decisionId: d.decisionId, model: 'small', outcome: { success: true } });
    expect(res.status).toBe(201);
    const { learnedInto } = OutcomeResponseSchema.parse(await res.json());
    expect(learnedInto.length).toBeGreaterThan(0);
    expect(learnedInto).not.toContain(gone);
  });

  it('accepts an outcome that carries the prompt instead of a decision', async () => {
    const s = await start();
    const res = await s.post('/v1/outcomes', { prompt: 'Write a Rust function that sums a vector', model: 'small', outcome: { success: true }, source: 'eval' });
    expect(res.status).toBe(201);
    expect(OutcomeResponseSchema.parse(await res.json()).learnedInto.length).toBeGreaterThan(0);
  });

  it('reports observed trials per model', async () => {
    const s = await start();
    await s.post('/v1/outcomes', { prompt: 'Hello there, how are you?', model: 'small', outcome: { success: true }, latencyMs: 120, costUsd: 0.001 });
    const models = ModelsResponseSchema.parse(await (await s.app.request('/v1/models')).json());
    const observed = (id: string) => {
      const extras = models.data.find((m) => m.id === id)?.semroute;
      return extras?.kind === 'catalog' ? extras.observed : undefined;
    };
    expect(observed('small')).toEqual({ trials: 1, successRate: 1, meanLatencyMs: 120, meanCostUsd: 0.001 });
    expect(observed('big')?.trials).toBe(0);
  });

  it('rejects bad outcomes with problems: unknown decision 404, unknown model and bad shapes 400', async () => {
    const s = await start();
    const missing = await s.post('/v1/outcomes', { decisionId: 'nope', model: 'small', outcome: { success: true } });
    expect(missing.status).toBe(404);
    expect(ProblemSchema.parse(await missing.json()).code).toBe('NOT_FOUND');
    for (const body of [
      { decisionId: 'x', model: 'gpt-17', outcome: { success: true } },
      { model: 'small', outcome: { success: true } },
      { prompt: 'p', model: 'small', outcome: { score: 1.5 } },
      { prompt: 'p', model: 'small', outcome: { success: true }, latencyMs: -1 },
    ]) {
      const res = await s.post('/v1/outcomes', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await s.app.request('/v1/decisions/unknown')).status).toBe(404);
  });
});
