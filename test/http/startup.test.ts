import { Agent, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import { listenWhileStarting, type StartingServer } from '../../src/cli/commands/serve.js';
import { loadBackgroundPrompts } from '../../src/coverage/background.js';
import type { Embedder } from '../../src/embedding/embedder.js';
import { ProblemSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { loadTinyEmbedder, PROJECT_ROOT, tempDir, testConfig } from '../helpers/test-deps.js';

/** A call held until released: `reached` resolves with how many texts it carries. */
interface HeldCall {
  readonly reached: Promise<number>;
  readonly release: () => void;
}

function heldCall(): HeldCall & { arrive: (texts: number) => void; gate: Promise<void> } {
  let arrive: (texts: number) => void = () => {};
  let release = () => {};
  const reached = new Promise<number>((resolve) => (arrive = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { reached, release, arrive, gate };
}

/** The tiny model, holding its first multi-text call (the seed) and the background set's call until each is released. */
async function gatedEmbedder(): Promise<{ embedder: Embedder; seed: HeldCall; background: HeldCall }> {
  const inner = await loadTinyEmbedder();
  const firstBackgroundPrompt = loadBackgroundPrompts(path.join(PROJECT_ROOT, 'reference-prompts/background'), silentLogger())[0];
  const seed = heldCall();
  const background = heldCall();
  let seedHeld = false;
  const embedder: Embedder = {
    fingerprint: inner.fingerprint,
    async embed(texts) {
      const call = texts.length <= 1 ? undefined : texts[0] === firstBackgroundPrompt ? background : seedHeld ? undefined : seed;
      if (call === seed) seedHeld = true;
      if (call) {
        call.arrive(texts.length);
        await call.gate;
      }
      return inner.embed(texts);
    },
  };
  return { embedder, seed, background };
}

/** GET /metrics in Prometheus text format: status 200, then each sample line as series → value. */
async function scrape(base: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = (await res.text()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  return new Map(samples.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
}

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('start-up: the server listens at once', () => {
  it('answers /healthz 200, /readyz 503 with progress, /metrics 200 with the start-up figures and routes 503 + Retry-After while the first seed runs, then serves', async () => {
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
    started = listenWhileStarting(config, silentLogger(), (onProgress, metrics) =>
      bootstrap(config, silentLogger(), { embedder: gated.embedder, onProgress, onCalibrationProgress: (done, total) => onProgress(done, total, 'calibrating'), metrics }),
    );
    await new Promise((resolve) => started?.server.once('listening', resolve));
    const base = `http://127.0.0.1:${(started.server.address() as AddressInfo).port}`;
    await gated.seed.reached;

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

    // A Prometheus scrape during start-up succeeds (the target stays up) with what exists yet.
    const during = await scrape(base);
    expect(during.get('semroute_startup_phase{phase="embedding"}')).toBe(1);
    expect(during.get('semroute_startup_phase{phase="ready"}')).toBe(0);
    expect(during.get('semroute_startup_prompts_embedded')).toBe(0);
    expect(during.get('semroute_startup_prompts_planned')).toBe(progress.total);
    expect(during.get('semroute_process_resident_memory_bytes')).toBeGreaterThan(0);

    // References done, background set in flight: /readyz names the phase, not "351 of 351 embedding".
    gated.seed.release();
    const backgroundPrompts = await gated.background.reached;
    const calibrating = await fetch(`${base}/readyz`);
    expect(calibrating.status).toBe(503);
    expect(await calibrating.json()).toEqual({ status: 'starting', phase: 'calibrating', done: 0, total: backgroundPrompts });
    const routeWhileCalibrating = await fetch(`${base}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'hello' }) });
    expect(routeWhileCalibrating.status).toBe(503);
    expect(ProblemSchema.parse(await routeWhileCalibrating.json()).detail).toMatch(/calibrating the coverage test/);

    gated.background.release();
    deps = await started.ready;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // The full app's /metrics keeps the start-up's figures: the same registry carries on.
    const after = await scrape(base);
    expect(after.get('semroute_startup_phase{phase="ready"}')).toBe(1);
    expect(after.get('semroute_startup_phase{phase="calibrating"}')).toBe(0);
    expect(after.get('semroute_startup_duration_seconds')).toBeGreaterThan(0);
    expect(after.get('semroute_index_size')).toBe(deps.index.size);
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
