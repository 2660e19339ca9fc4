import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrap } from '../../src/cli/bootstrap.js';
import { BoundedEmbedderPool } from '../../src/embedding/pool.js';
import { WorkerPool } from '../../src/embedding/worker-pool.js';
import type { WorkerSpec } from '../../src/embedding/worker-protocol.js';
import { ProblemSchema, RouteResponseSchema } from '../../src/server/schemas.js';
import { DecisionResponseSchema } from '../../src/server/outcome-schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { appFor, FIXTURE_MODELS, TINY_MODEL_ID, tempDir, testConfig } from '../helpers/test-deps.js';

const TINY: WorkerSpec = {
  backend: 'transformers',
  transformers: { modelId: TINY_MODEL_ID, localModelPath: FIXTURE_MODELS, cacheDir: path.join(os.tmpdir(), 'semroute-test-cache'), allowRemote: false, dtype: 'fp32', batchSize: 32, intraOpThreads: 1 },
};

async function startService(spec: WorkerSpec) {
  const { dir, cleanup } = tempDir();
  const workers = await WorkerPool.start({ spec, size: 1, maxBatch: 32, maxWaitMs: 2, maxHeapMb: 256, logger: silentLogger() });
  const pool = BoundedEmbedderPool.inWorkers(workers, { budget: { maxChars: 4_000, keep: 'head' }, cache: undefined });
  const deps = await bootstrap(testConfig(dir), silentLogger(), { embedder: pool });
  const server = serve({ fetch: appFor(deps).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stop = async () => {
    server.close();
    deps.close();
    await pool.close();
    cleanup();
  };
  return { base, pool };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('embedding runs off the event loop', () => {
  it('answers /healthz while a long bulk embedding runs in the worker, and routes a 200,000-character prompt (on its head) ahead of it', async () => {
    const { base, pool } = await startService(TINY);
    let settled = false;
    const long = pool.embed(Array.from({ length: 200 }, (_, i) => `document ${i} `.repeat(300))).finally(() => (settled = true));
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(settled).toBe(false);
    const routed = await post(`${base}/v1/route`, { prompt: 'write a python function '.repeat(8_334).slice(0, 200_000) });
    expect(routed.status).toBe(200);
    const body = RouteResponseSchema.parse(await routed.json());
    expect(body.inputTruncated).toEqual({ fromChars: 200_000, toChars: expect.any(Number) });
    expect(body.inputTruncated?.toChars).toBeLessThanOrEqual(4_000);
    // The stored decision says so too.
    const stored = DecisionResponseSchema.parse(await (await fetch(`${base}/v1/decisions/${body.decisionId}`)).json());
    expect({ from: stored.routedOn?.chars, embedded: stored.embeddedChars }).toEqual({ from: 200_000, embedded: body.inputTruncated?.toChars });
    // The route did not wait for the 200 bulk texts queued before it.
    expect(settled).toBe(false);
    await long;
    const short = RouteResponseSchema.parse(await (await post(`${base}/v1/route`, { prompt: 'write a python function' })).json());
    expect(DecisionResponseSchema.parse(await (await fetch(`${base}/v1/decisions/${short.decisionId}`)).json()).embeddedChars).toBeNull();
  });

  it('answers 503 problem+json with Retry-After when the worker embedding the prompt crashes, then routes again', async () => {
    const { base, pool } = await startService({ backend: 'lexical', dims: 64, exitOnText: 'poison prompt' });
    const crashed = await post(`${base}/v1/route`, { prompt: 'poison prompt' });
    expect(crashed.status).toBe(503);
    expect(crashed.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(ProblemSchema.parse(await crashed.json()).code).toBe('EMBEDDER_UNAVAILABLE');
    expect((await post(`${base}/v1/route`, { prompt: 'write a python function' })).status).toBe(200);
    expect(pool.stats().restarts).toBe(1);
  });
});
