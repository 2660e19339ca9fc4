import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, type Deps } from '../../src/cli/bootstrap.js';
import { createApp } from '../../src/server/app.js';
import { createLogger } from '../../src/shared/logger.js';
import { fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const ADMIN = 'admin-secret-5f1c9e2a7b';
const CALLER = 'caller-secret-9d8e7f6a5b';
const PROMPT = 'Summarise the quarterly revenue memo for the board';
const opened: { deps: Deps; cleanup: () => void }[] = [];

afterEach(() => {
  for (const { deps, cleanup } of opened.splice(0)) {
    deps.close();
    cleanup();
  }
});

/** An app over the fixture sets whose log lines are collected in `lines`. */
async function start(overrides: Record<string, unknown> = {}) {
  const t = tempDir();
  const deps = await startLexical(fixtureConfig(t.dir, { admin: { token: ADMIN }, ...overrides }));
  opened.push({ deps, cleanup: t.cleanup });
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const app = createApp(appDepsOf(deps, createLogger('debug', sink)));
  return { app, deps, lines };
}

const route = (app: ReturnType<typeof createApp>, headers: Record<string, string> = {}) =>
  app.request('/v1/route', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ prompt: PROMPT }) });

describe('CORS', () => {
  it('is off by default: a browser preflight gets no Access-Control headers', async () => {
    const { app } = await start();
    const res = await app.request('/v1/route', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await route(app, { origin: 'https://evil.example' })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const { app } = await start({ server: { corsOrigins: ['https://app.example'] } });
    const ok = await app.request('/v1/route', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await app.request('/v1/route', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limiting on the public endpoints', () => {
  it('answers 429 with Retry-After past the per-minute budget, per key, and leaves health checks alone', async () => {
    const { app } = await start({ server: { rateLimitPerMinute: 2 } });
    const key = { authorization: `Bearer ${CALLER}` };
    expect([(await route(app, key)).status, (await route(app, key)).status]).toEqual([200, 200]);
    const refused = await route(app, key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await route(app, { authorization: 'Bearer another-key' })).status).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);
  });
});

describe('secrets and prompts', () => {
  it('never writes bearer tokens to logs, problems or /metrics, and logs a hash instead of the prompt', async () => {
    const { app, deps, lines } = await start();
    expect((await route(app, { authorization: `Bearer ${CALLER}` })).status).toBe(200);
    const denied = await app.request('/v1/admin/rebuild', { method: 'POST', headers: { authorization: `Bearer wrong-${ADMIN}` } });
    expect(denied.status).toBe(401);
    const deniedBody = await denied.text();
    expect((await app.request('/v1/admin/rebuild', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(200);
    const metrics = await (await app.request('/metrics')).text();
    const everything = [lines.join(''), deniedBody, metrics].join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const secret of [ADMIN, CALLER, 'Bearer']) expect(everything).not.toContain(secret);
    expect(lines.join('')).not.toContain('quarterly revenue');
    deps.queue.flush();
    const stored = deps.db.prepare('SELECT prompt_text FROM decisions').all() as { prompt_text: string | null }[];
    expect(stored.length).toBe(1);
    expect(stored[0]?.prompt_text).toBeNull();
  });
});
