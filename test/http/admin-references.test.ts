import { afterEach, describe, expect, it } from 'vitest';
import { AddReferenceResponseSchema, ReferenceListResponseSchema, StoredReferenceSchema } from '../../src/server/admin-schemas.js';
import { ProblemSchema, RouteResponseSchema } from '../../src/server/schemas.js';
import { contentHash } from '../../src/store/content-hash.js';
import { liveRecords, sqliteRecords, startAdminApp } from '../helpers/admin-app.js';
import { GatedEmbedder } from '../helpers/gated-embedder.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

async function start(overrides: Record<string, unknown> = {}, options: Parameters<typeof startAdminApp>[1] = {}) {
  const s = await startAdminApp(overrides, options);
  running.push(s.stop);
  return s;
}

const PROMPT = 'Compose a limerick about a sleepy cat on a windowsill';

describe('POST /v1/admin/references re-posts', () => {
  it('replace the records: a route, SQLite and a rebuild all see only the second set', async () => {
    const { call, deps } = await start();
    const first = AddReferenceResponseSchema.parse(await (await call('POST', '/v1/admin/references', { prompt: PROMPT, intent: 'poetry', records: { small: { wins: 9, losses: 1 } } })).json());
    const again = await call('POST', '/v1/admin/references', { prompt: PROMPT, records: { big: { wins: 3, losses: 1 } } });
    expect(again.status).toBe(200);
    expect(AddReferenceResponseSchema.parse(await again.json())).toMatchObject({ id: first.id, created: false, changed: true });
    const expected = { big: { wins: 3, losses: 1, ties: 0 } };
    expect(sqliteRecords(deps, first.id)).toEqual(expected);
    expect(liveRecords(deps, first.id)).toEqual(expected);
    const routed = RouteResponseSchema.parse(await (await call('POST', '/v1/route', { prompt: PROMPT, explain: true })).json());
    expect(routed.neighbors?.[0]).toMatchObject({ id: first.id, intent: 'poetry', records: expected });
    expect((await call('POST', '/v1/admin/rebuild', {})).status).toBe(200);
    expect(liveRecords(deps, first.id)).toEqual(expected);
  });

  it('keep an omitted intent or records, clear an intent given as null, and keep what was learned', async () => {
    const { call, deps } = await start();
    const { id } = AddReferenceResponseSchema.parse(await (await call('POST', '/v1/admin/references', { prompt: PROMPT, intent: 'poetry', records: { small: { wins: 2 } } })).json());
    const outcome = await call('POST', '/v1/outcomes', { prompt: PROMPT, model: 'small', outcome: { success: true } });
    expect(outcome.status).toBe(201);
    expect(liveRecords(deps, id)).toEqual({ small: { wins: 3, losses: 0, ties: 0 } });

    const same = AddReferenceResponseSchema.parse(await (await call('POST', '/v1/admin/references', { prompt: PROMPT })).json());
    expect(same).toMatchObject({ id, created: false, changed: false });
    const get = async () => StoredReferenceSchema.parse(await (await call('GET', `/v1/admin/references/${id}`)).json());
    expect(await get()).toMatchObject({ intent: 'poetry', seedRecords: { small: { wins: 2 } }, records: { small: { wins: 3 } } });

    await call('POST', '/v1/admin/references', { prompt: PROMPT, records: { small: { wins: 5 } } });
    expect(await get()).toMatchObject({ intent: 'poetry', seedRecords: { small: { wins: 5 } }, records: { small: { wins: 6 } } });

    await call('POST', '/v1/admin/references', { prompt: PROMPT, intent: null });
    expect((await get()).intent).toBeNull();
    expect((await call('POST', '/v1/admin/rebuild', {})).status).toBe(200);
    expect(await get()).toMatchObject({ intent: null, records: { small: { wins: 6, losses: 0, ties: 0 } } });
    expect(sqliteRecords(deps, id)).toEqual(liveRecords(deps, id));
  });

  it('report records for models that are not in the catalog, and refuse them under strictModels', async () => {
    const lax = await start();
    const res = await lax.call('POST', '/v1/admin/references', { prompt: PROMPT, records: { 'smal': { wins: 1 }, big: { wins: 1 } } });
    expect(res.status).toBe(201);
    expect(AddReferenceResponseSchema.parse(await res.json()).unknownModels).toEqual(['smal']);

    const strict = await start({ strictModels: true });
    const refused = await strict.call('POST', '/v1/admin/references', { prompt: PROMPT, records: { 'smal': { wins: 1 } } });
    expect(refused.status).toBe(400);
    const problem = ProblemSchema.parse(await refused.json());
    expect(problem.errors).toEqual([{ path: 'records.smal', message: "'smal' is not a model in the catalog" }]);
    expect(strict.deps.references.count()).toBe(10);
  });
});

describe('a reference deleted while its vector is being made', () => {
  it('stays out of the index when the embedding finishes', async () => {
    const embedder = new GatedEmbedder();
    const { call, deps } = await start({}, { embedder });
    // Hold the add inside its embedding step (after its row is committed), delete the row, then let it finish.
    embedder.close();
    const waiting = embedder.nextWaiting();
    const adding = call('POST', '/v1/admin/references', { prompt: PROMPT });
    expect(await waiting).toContain(PROMPT);
    const id = deps.references.idByHash(contentHash(PROMPT));
    expect((await call('DELETE', `/v1/admin/references/${id}`)).status).toBe(204);
    embedder.open();
    expect((await adding).status).toBe(201);
    expect(deps.index.size).toBe(deps.references.count());
    const routed = RouteResponseSchema.parse(await (await call('POST', '/v1/route', { prompt: PROMPT, explain: true })).json());
    expect(routed.neighbors?.map((n) => n.id)).not.toContain(id);
  });
});

describe('GET /v1/admin/references', () => {
  it('pages by id and filters by intent and set', async () => {
    const { call } = await start();
    await call('POST', '/v1/admin/references', { prompt: PROMPT, intent: 'poetry' });
    const all: number[] = [];
    let next: string | null = '/v1/admin/references?limit=4';
    while (next !== null) {
      const page = ReferenceListResponseSchema.parse(await (await call('GET', next)).json());
      expect(page.data.length).toBeLessThanOrEqual(4);
      all.push(...page.data.map((r) => r.id));
      next = page.nextAfter === null ? null : `/v1/admin/references?limit=4&after=${page.nextAfter}`;
    }
    expect(all).toHaveLength(11);
    expect([...all].sort((a, b) => a - b)).toEqual(all);
    const code = ReferenceListResponseSchema.parse(await (await call('GET', '/v1/admin/references?intent=code')).json());
    expect(code.data.length).toBeGreaterThan(0);
    expect(code.data.every((r) => r.intent === 'code')).toBe(true);
    const admin = ReferenceListResponseSchema.parse(await (await call('GET', '/v1/admin/references?set=admin')).json());
    expect(admin.data.map((r) => r.prompt)).toEqual([PROMPT]);
    expect(admin.data[0]).toMatchObject({ set: 'admin', origin: 'admin', intent: 'poetry' });
  });

  it('answers a missing id with 404 and bad ids, intents and limits with sentences', async () => {
    const { call } = await start();
    expect((await call('GET', '/v1/admin/references/999999')).status).toBe(404);
    const cases: [string, string, string][] = [
      ['GET', '/v1/admin/references/abc', "must be a positive whole number, such as 42; got 'abc'"],
      ['DELETE', '/v1/admin/references/1.5', "must be a positive whole number, such as 42; got '1.5'"],
      ['GET', '/v1/admin/references?limit=0', 'limit is a whole number from 1 to 500'],
      ['GET', '/v1/admin/references?intent=two%20words', 'an intent is one word of letters, digits, _ . : or - (e.g. "code.review"), at most 100 characters'],
    ];
    const abc = ProblemSchema.parse(await (await call('GET', '/v1/admin/references/abc')).json());
    expect(abc.detail).toBe("reference id must be a positive whole number, such as 42; got 'abc'");
    for (const [method, path, message] of cases) {
      const res = await call(method, path);
      expect(res.status, path).toBe(400);
      const problem = ProblemSchema.parse(await res.json());
      expect(problem.errors?.[0]?.message).toBe(message);
      expect(problem.detail).not.toMatch(/NaN|expected number|\^\[|\\p\{|\(root\)/);
    }
    const post = await call('POST', '/v1/admin/references', { prompt: PROMPT, intent: 'not one word' });
    const problem = ProblemSchema.parse(await post.json());
    expect(problem.detail).not.toMatch(/\^\[|\\p\{/);
    expect(problem.errors).toEqual([{ path: 'intent', message: 'an intent is one word of letters, digits, _ . : or - (e.g. "code.review"), at most 100 characters' }]);
  });
});
