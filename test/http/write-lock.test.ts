import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/cli/bootstrap.js';
import { AddReferenceResponseSchema } from '../../src/server/admin-schemas.js';
import { OutcomeResponseSchema } from '../../src/server/outcome-schemas.js';
import { ProblemSchema, RouteResponseSchema } from '../../src/server/schemas.js';
import { contentHash } from '../../src/store/content-hash.js';
import { startAdminApp } from '../helpers/admin-app.js';
import { holdWriteLock } from '../helpers/write-lock.js';

// Another process (`npm run seed`, a second server) commits to the served database. Every write
// path of the service must wait for that process's write lock (busy_timeout), not fail with
// SQLITE_BUSY as a 500. The lock is taken before each request starts, so the request meets it on
// every run: the interleaving is forced, not hoped for.

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

/** How long the other connection holds the lock: well under busy_timeout (5 s). */
const HOLD_MS = 300;

async function start() {
  const s = await startAdminApp();
  running.push(s.stop);
  return { ...s, dbFile: dataPaths(s.deps.config).db };
}

describe('while another process holds the write lock', () => {
  it('POST /v1/admin/references waits for it and adds the reference to SQLite and the index', async () => {
    const { call, deps, dbFile } = await start();
    const prompt = 'How deep should tomato seedlings be planted in spring?';
    const { released } = await holdWriteLock(dbFile, HOLD_MS);
    const res = await call('POST', '/v1/admin/references', { prompt, intent: 'gardening' });
    await released;
    expect(res.status).toBe(201);
    const { id } = AddReferenceResponseSchema.parse(await res.json());
    expect(deps.references.idByHash(contentHash(prompt))).toBe(id);
    expect(deps.index.size).toBe(deps.references.count());
  });

  it('DELETE /v1/admin/references/:id waits for it and removes the reference', async () => {
    const { call, deps, dbFile } = await start();
    const { id } = AddReferenceResponseSchema.parse(await (await call('POST', '/v1/admin/references', { prompt: 'A reference to delete again' })).json());
    const { released } = await holdWriteLock(dbFile, HOLD_MS);
    const res = await call('DELETE', `/v1/admin/references/${id}`);
    await released;
    expect(res.status).toBe(204);
    expect(deps.references.existingIds([id]).size).toBe(0);
    expect(deps.index.size).toBe(deps.references.count());
  });

  it('POST /v1/outcomes waits for it and commits the outcome before answering', async () => {
    const { call, deps, dbFile } = await start();
    const routed = RouteResponseSchema.parse(await (await call('POST', '/v1/route', { prompt: 'Write a Python function that reverses a string' })).json());
    const { released } = await holdWriteLock(dbFile, HOLD_MS);
    const res = await call('POST', '/v1/outcomes', { decisionId: routed.decisionId, model: 'small', outcome: { success: true }, idempotencyKey: 'under-lock' });
    await released;
    expect(res.status).toBe(201);
    OutcomeResponseSchema.parse(await res.json());
    expect(deps.db.prepare("SELECT COUNT(*) AS n FROM outcomes WHERE idempotency_key = 'under-lock'").get()).toEqual({ n: 1 });
  });

  it('POST /v1/admin/rebuild waits for it and rebuilds', async () => {
    const { call, deps, dbFile } = await start();
    const { released } = await holdWriteLock(dbFile, HOLD_MS);
    const res = await call('POST', '/v1/admin/rebuild', {});
    await released;
    expect(res.status).toBe(200);
    expect(deps.index.size).toBe(deps.references.count());
  });

  it('a seed write (the store) waits for it', async () => {
    const { deps, dbFile } = await start();
    const text = 'A prompt seeded while another process commits';
    const { released } = await holdWriteLock(dbFile, HOLD_MS);
    const summary = deps.references.writeSets([{ name: 'late', source: null, items: [{ text, contentHash: contentHash(text), intent: null, records: { small: { wins: 1, losses: 0, ties: 0 } } }] }]);
    await released;
    expect(summary.inserted).toBe(1);
  });

  it('answers 503 STORE_BUSY with Retry-After, not a 500, when the lock outlasts busy_timeout; the retry succeeds', async () => {
    const { call, deps, dbFile } = await start();
    // The service waits 5 s; shortened here so the other process holds the lock past it.
    deps.db.pragma('busy_timeout = 50');
    const routed = RouteResponseSchema.parse(await (await call('POST', '/v1/route', { prompt: 'Write a Python function that reverses a string' })).json());
    const { released } = await holdWriteLock(dbFile, 1_000);
    const add = await call('POST', '/v1/admin/references', { prompt: 'Added while the lock is held too long' });
    const outcome = await call('POST', '/v1/outcomes', { decisionId: routed.decisionId, model: 'small', outcome: { success: true }, idempotencyKey: 'busy' });
    await released;
    for (const res of [add, outcome]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ProblemSchema.parse(await res.json()).code).toBe('STORE_BUSY');
    }
    expect((await call('POST', '/v1/admin/references', { prompt: 'Added while the lock is held too long' })).status).toBe(201);
    expect((await call('POST', '/v1/outcomes', { decisionId: routed.decisionId, model: 'small', outcome: { success: true }, idempotencyKey: 'busy' })).status).toBe(201);
  });
});
