import { Agent, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import { listenWhileStarting, type StartingServer } from '../../src/cli/commands/serve.js';
import type { Embedder } from '../../src/embedding/embedder.js';
import { ProblemSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { loadTinyEmbedder, tempDir, testConfig } from '../helpers/test-deps.js';

/** The tiny model, held at its first multi-text call (the seed) until `release()`. */
async function gatedEmbedder(): Promise<{ embedder: Embedder; seeding: Promise<void>; release: () => void }> {
  const inner = await loadTinyEmbedder();
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reached = () => {};
  const seeding = new Promise<void>((resolve) => (reached = resolve));
  const embedder: Embedder = {
    fingerprint: inner.fingerprint,
    async embed(texts) {
      if (texts.length > 1) {
        reached();
        await gate;
      }
      return inner.embed(texts);
    },
  };
  return { embedder, seeding, release };
}

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('start-up: the server listens at once', () => {
  it('answers /healthz 200, /readyz 503 with progress and routes 503 + Retry-After while the first seed runs, then serves', async () => {
    const { dir, cleanup: removeDir } = tempDir();
    const config = testConfig(dir, { server: { host: '127.0.0.1', port: 0 } });
    const gated = await gatedEmbedder();
    let started: StartingServer | undefined;
    let deps: Deps | undefined;
    cleanup = () => {
      started?.server.close();
      deps?.close();
      removeDir();
    };
    started = listenWhileStarting(config, silentLogger(), (onProgress) => bootstrap(config, silentLogger(), { embedder: gated.embedder, onProgress }));
    await new Promise((resolve) => started?.server.once('listening', resolve));
    const base = `http://127.0.0.1:${(started.server.address() as AddressInfo).port}`;
    await gated.seeding;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(503);
    const progress = z.object({ status: z.literal('starting'), phase: z.literal('embedding'), done: z.literal(0), total: z.number() }).parse(await readyz.json());
    expect(progress.total).toBeGreaterThan(0);

    const route = await fetch(`${base}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'hello' }) });
    expect(route.status).toBe(503);
    expect(route.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(route.headers.get('content-type')).toContain('application/problem+json');
    expect(ProblemSchema.parse(await route.json()).code).toBe('INDEX_NOT_READY');

    const chat = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'router', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(chat.status).toBe(503);
    expect(chat.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await chat.json()).toMatchObject({ error: { type: 'server_error' } });

    gated.release();
    deps = await started.ready;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const routed = await fetch(`${base}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'write a python function' }) });
    expect(routed.status).toBe(200);
  });
});

describe('server.keepAliveTimeoutMs', () => {
  it('tells clients how long an idle connection stays open, and keeps the header timeout above it', async () => {
    const { dir, cleanup: removeDir } = tempDir();
    const config = testConfig(dir, { server: { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 61_000 } });
    // Start-up never finishes here: /healthz answers from the starting app.
    const started = listenWhileStarting(config, silentLogger(), () => new Promise<Deps>(() => {}));
    cleanup = () => {
      started.releaseStartupSignals();
      started.server.close();
      removeDir();
    };
    await new Promise((resolve) => started.server.once('listening', resolve));
    const port = (started.server.address() as AddressInfo).port;
    const agent = new Agent({ keepAlive: true });
    const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
      get(`http://127.0.0.1:${port}/healthz`, { agent }, (res) => {
        res.resume();
        resolve(String(res.headers['keep-alive']));
      }).on('error', reject);
    });
    agent.destroy();
    expect(keepAlive).toBe('timeout=61');
    expect((started.server as Server).headersTimeout).toBeGreaterThan(61_000);
  });
});
