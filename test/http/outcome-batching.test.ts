import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, type Deps } from '../../src/cli/bootstrap.js';
import { createApp } from '../../src/server/app.js';
import { OutcomeResponseSchema } from '../../src/server/outcome-schemas.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const running: Deps[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  running.splice(0).forEach((d) => d.close());
  cleanups.splice(0).forEach((f) => f());
});

async function start() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const deps = await startLexical(fixtureConfig(t.dir));
  running.push(deps);
  const app = createApp(appDepsOf(deps, silentLogger()));
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const route = async (prompt: string) => RouteResponseSchema.parse(await (await post('/v1/route', { prompt })).json());
  return { deps, post, route };
}

type Cell = { reference_id: number; model: string; wins: number; losses: number; ties: number };

/** records = seed_records + every stored outcome's deltas, per (reference, model). */
function replayed(deps: Deps): Map<string, Cell> {
  const rows = deps.db
    .prepare<[], Cell>(
      `SELECT reference_id, model, SUM(wins) AS wins, SUM(losses) AS losses, SUM(ties) AS ties FROM (
         SELECT reference_id, model, wins, losses, ties FROM seed_records
         UNION ALL
         SELECT d.value ->> '$.referenceId', d.value ->> '$.model', d.value ->> '$.wins', d.value ->> '$.losses', d.value ->> '$.ties'
         FROM outcomes o, json_each(o.deltas) d)
       GROUP BY reference_id, model`,
    )
    .all();
  return new Map(rows.map((r) => [`${r.reference_id}/${r.model}`, r]));
}

describe('outcomes ingested in group-commit batches', () => {
  it('moves the records by exactly the stored deltas when many outcomes on shared neighbours commit together', async () => {
    const s = await start();
    const decisions = await Promise.all(['Write a Python function that reverses a linked list', 'Sort a list of numbers in Go'].map(s.route));
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        s.post('/v1/outcomes', { decisionId: decisions[i % 2]?.decisionId, model: i % 3 === 0 ? 'big' : 'small', outcome: { success: i % 4 !== 0 } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 60 }, () => 201));
    const live = s.deps.db.prepare<[], Cell>('SELECT reference_id, model, wins, losses, ties FROM records').all();
    const expected = replayed(s.deps);
    expect(live.length).toBe(expected.size);
    for (const cell of live) {
      const want = expected.get(`${cell.reference_id}/${cell.model}`);
      expect(cell.wins).toBeCloseTo(want?.wins ?? -1, 9);
      expect(cell.losses).toBeCloseTo(want?.losses ?? -1, 9);
      expect(cell.ties).toBeCloseTo(want?.ties ?? -1, 9);
    }
  });

  it('counts concurrent submissions with one idempotency key once, answering the others as duplicates', async () => {
    const s = await start();
    const { decisionId } = await s.route('Write a Python function that reverses a linked list');
    const body = { decisionId, model: 'small', outcome: { success: true } };
    const answers = await Promise.all(Array.from({ length: 5 }, () => s.post('/v1/outcomes', body, { 'idempotency-key': 'same-key' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const results = await Promise.all(answers.map(async (a) => OutcomeResponseSchema.parse(await a.json())));
    expect(new Set(results.map((r) => r.outcomeId)).size).toBe(1);
    expect(s.deps.outcomes.forDecision(decisionId)).toHaveLength(1);
  });

  it('learns from an outcome reported while its decision still waits in the queue', async () => {
    const s = await start();
    const routed = await s.deps.router.route({ prompt: 'Write a Python function that reverses a linked list', constraints: {} });
    // No flush in between: the decision's log write and the outcome land in order, in one queue.
    const res = await s.post('/v1/outcomes', { decisionId: routed.decisionId, model: 'big', outcome: { success: true } });
    expect(res.status).toBe(201);
    expect(OutcomeResponseSchema.parse(await res.json()).learnedInto.length).toBeGreaterThan(0);
  });
});
