import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, type Deps } from '../../src/cli/bootstrap.js';
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
