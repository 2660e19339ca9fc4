import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDepsOf, bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import { createApp } from '../../src/server/app.js';
import { createConfigReloader } from '../../src/cli/config-reload.js';
import { loadConfig } from '../../src/config/load.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';
import { createLogger, silentLogger } from '../../src/shared/logger.js';
import { seededRandom } from '../../src/shared/random.js';
import type { ReferenceInput } from '../../src/store/types.js';
import { BIG_SMALL_CATALOG } from '../helpers/lexical-deps.js';
import { adminHeaders, ADMIN_TOKEN, postJson } from '../helpers/live-service.js';
import { appFor, PROJECT_ROOT, tempDir } from '../helpers/test-deps.js';

/*
 * Calibration and the leave-one-out fit grow with the references; they run in the fit worker, so the
 * server answers while they run. Real server on loopback, real SQLite and HNSW, a few thousand
 * references. Ordering, not timings: /healthz answers after the change began (config read, reference
 * written) and before its new router is in force, which a refit on the event loop cannot allow.
 */

const SIZE = 3000;
const INTENTS = 30;

/** Per intent, a handful of its own words, so the lexical embedder gives the references intent structure. */
function syntheticReferences(): ReferenceInput[] {
  const rand = seededRandom(15);
  const word = (intent: number, j: number) => `w${intent}x${j}`;
  return Array.from({ length: SIZE }, (_, i) => {
    const intent = i % INTENTS;
    const words = Array.from({ length: 6 }, () => word(intent, Math.floor(rand() * 8)));
    const bigFavoured = intent % 2 === 0;
    const record = (favoured: boolean) => ({ wins: Math.floor(rand() * 4) + (favoured ? 4 : 0), losses: Math.floor(rand() * 4), ties: 0 });
    return { text: `${words.join(' ')} item${i}`, intent: `intent_${intent}`, contentHash: `synthetic-${i}`, records: { big: record(bigFavoured), small: record(!bigFavoured) } };
  });
}

let deps: Deps;
let url: string;
let configFile: string;
let stop: () => Promise<void>;
const configJson = (k: number) => ({
  referenceDir: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets'),
  catalog: BIG_SMALL_CATALOG,
  routing: { defaultModel: 'big', costWeight: 0.1, k },
  log: { level: 'silent' },
});

beforeAll(async () => {
  const { dir, cleanup } = tempDir('semroute-refit-');
  configFile = path.join(dir, 'router.json');
  writeFileSync(configFile, JSON.stringify(configJson(10)));
  const config = loadConfig({ env: { ROUTER_DATA_DIR: path.join(dir, 'data'), ROUTER_ADMIN_TOKEN: ADMIN_TOKEN }, file: configFile });
  deps = await bootstrap(config, silentLogger(), { embedder: new LexicalEmbedder({ dims: 256 }) });
  deps.references.writeSet('synthetic', null, syntheticReferences());
  await deps.index.embedMissing();
  deps.index.save();
  expect(await deps.refits.request()).toBe('applied');
  expect(deps.router.fit?.samples).toBeGreaterThan(1000);
  const server = serve({ fetch: appFor(deps).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stop = async () => {
    await new Promise((resolve) => server.close(resolve));
    deps.close();
    cleanup();
  };
}, 300_000);

afterAll(() => stop?.());

/** GETs /healthz one after another until `pending` settles (at most `cap` times), noting `observe()` at each answer. */
async function healthzWhile<T>(pending: Promise<unknown>, observe: () => T, cap = 20_000): Promise<T[]> {
  let settled = false;
  void pending.finally(() => (settled = true));
  const seen: T[] = [];
  for (let i = 0; i < cap && !settled; i++) {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    seen.push(observe());
  }
  return seen;
}

describe('a refit at a few thousand references runs off the event loop', () => {
  it('answers /healthz during a config reload, before "config reloaded", and then swaps config and router together', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const reloader = createConfigReloader(deps, { env: { ROUTER_ADMIN_TOKEN: ADMIN_TOKEN }, file: configFile, logger });
    const logged = (msg: string) => lines.some((l) => (JSON.parse(l) as { msg?: string }).msg === msg);
    const before = { router: deps.router, config: deps.config };
    // A new k moves the coverage test's key: the reload recalibrates and refits.
    writeFileSync(configFile, JSON.stringify(configJson(12)));
    const reloading = Promise.resolve(reloader.reload());
    const seen = await healthzWhile(reloading, () => ({ old: deps.router === before.router && deps.config === before.config, reloaded: logged('config reloaded') }));
    // Answered while the old config and router still served, before the reload's log line.
    expect(seen.filter((s) => s.old && !s.reloaded).length).toBeGreaterThan(0);
    expect(await reloading).toBe('applied');
    expect(deps.router).not.toBe(before.router);
    expect(deps.config.routing.k).toBe(12);
    expect(deps.router.coverageTest.k).toBe(12);
    // Its record totals were carried over from the old router, not re-read: still what SQLite holds.
    expect(deps.router.intentRecords).toEqual(deps.references.intentTotals());
    // The log lines are as before, after the swap: 'config reloaded', then the routing line.
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages.indexOf('config reloaded')).toBeGreaterThanOrEqual(0);
    expect(messages.findIndex((m) => m.startsWith('routing: '))).toBeGreaterThan(messages.indexOf('config reloaded'));
  }, 300_000);

  it('answers /healthz while an admin edit that moves the records refits, and swaps the router only then', async () => {
    const before = deps.router;
    const count = deps.references.count();
    const adding = postJson(`${url}/v1/admin/references`, { prompt: 'w4x1 w4x2 w4x3 a freshly added reference', intent: 'intent_4', records: { big: { wins: 50, losses: 0, ties: 0 } } }, adminHeaders);
    const seen = await healthzWhile(adding, () => ({ written: deps.references.count() > count, old: deps.router === before }));
    expect((await adding).status).toBe(201);
    // The reference was in SQLite and the old router still served: the fit ran in between.
    expect(seen.filter((s) => s.written && s.old).length).toBeGreaterThan(0);
    expect(deps.router).not.toBe(before);
    expect(deps.router.intentRecords).toEqual(deps.references.intentTotals());
  }, 300_000);
});

const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);

describe('an admin rebuild at a few thousand references builds the index off the event loop', () => {
  it('answers /healthz and /v1/route after the rebuild began and before its index is in force; the index then holds exactly SQLite rows, with an add made meanwhile', async () => {
    // A row in SQLite the index lacks (another process wrote it), and a record off its sources:
    // the rebuild recomputes the record first, then builds the index that holds the row.
    const extra = deps.references.insertLearned({ text: 'w7x1 w7x2 written behind the index', intent: 'intent_7', contentHash: 'behind-the-index', vector: firstVector() });
    const drifted = deps.db.prepare<[], { reference_id: number; model: string }>('SELECT reference_id, model FROM records ORDER BY reference_id, model LIMIT 1').get();
    if (!drifted) throw new Error('no records');
    deps.db.prepare('UPDATE records SET wins = wins + 1000 WHERE reference_id = ? AND model = ?').run(drifted.reference_id, drifted.model);
    const winsNow = deps.db.prepare<[number, string], number>('SELECT wins FROM records WHERE reference_id = ? AND model = ?').pluck();
    const drift = winsNow.get(drifted.reference_id, drifted.model) ?? 0;

    const rebuilding = postJson(`${url}/v1/admin/rebuild`, {}, adminHeaders);
    let settled = false;
    void rebuilding.finally(() => (settled = true));
    let adding: ReturnType<typeof postJson> | undefined;
    const midRebuild: string[] = [];
    for (let i = 0; i < 20_000 && !settled; i++) {
      const health = await fetch(`${url}/healthz`);
      const route = await postJson(`${url}/v1/route`, { prompt: 'w3x1 w3x2 w3x4 a question' });
      expect([health.status, route.status]).toEqual([200, 200]);
      await health.arrayBuffer();
      const began = (winsNow.get(drifted.reference_id, drifted.model) ?? 0) < drift;
      if (began && !deps.index.labels().includes(extra)) {
        midRebuild.push('answered');
        adding ??= postJson(`${url}/v1/admin/references`, { prompt: 'w5x1 w5x2 added during the rebuild', intent: 'intent_5' }, adminHeaders);
      }
    }
    // The records were recomputed and the old index (without the row) still served while both answered.
    expect(midRebuild.length).toBeGreaterThan(0);
    expect((await rebuilding).status).toBe(200);
    expect((await adding)?.status).toBe(201);
    expect(sorted(deps.index.labels())).toEqual(sorted(deps.references.vectorIds()));
    expect(deps.index.labels()).toContain(extra);
  }, 300_000);

  it('brings the built index up to SQLite: rows deleted and added after the snapshot, before the swap', async () => {
    const [gone] = sorted(deps.index.labels());
    let added = 0;
    await deps.index.rebuildOffThread(async (outPath) => {
      const built = await deps.buildIndex(outPath);
      // After the worker's snapshot: an admin delete and a learned reference land, as their handlers make them.
      if (gone !== undefined && deps.references.remove(gone)) deps.index.remove(gone);
      added = deps.references.insertLearned({ text: 'w9x1 w9x3 learned after the snapshot', intent: 'intent_9', contentHash: 'after-the-snapshot', vector: firstVector() });
      deps.index.add(added, firstVector());
      return built;
    });
    const labels = deps.index.labels();
    expect(labels).toContain(added);
    expect(labels).not.toContain(gone);
    expect(sorted(labels)).toEqual(sorted(deps.references.vectorIds()));
  }, 300_000);

  it('keeps the index in force and answers problem+json when the rebuild fails', async () => {
    const before = sorted(deps.index.labels());
    const failing = { ...deps, buildIndex: () => Promise.reject(new Error('disk full')) };
    const res = await createApp(appDepsOf(failing, silentLogger())).request('/v1/admin/rebuild', { method: 'POST', headers: adminHeaders });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { title: string }).title).toBe('INDEX_REBUILD_FAILED');
    expect(sorted(deps.index.labels())).toEqual(before);
    expect(sorted(deps.index.labels())).toEqual(sorted(deps.references.vectorIds()));
  }, 300_000);
});

/** A stored vector, for rows written straight to the store. */
function firstVector(): Float32Array {
  const [first] = deps.references.vectorsOf(sorted(deps.index.labels()).slice(0, 1));
  if (!first) throw new Error('no stored vector');
  return first.vector;
}
