import { writeFileSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { startService, type CliProcess } from '../helpers/cli-process.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { indexFileState } from '../helpers/index-file.js';
import { BIG_SMALL_CATALOG } from '../helpers/lexical-deps.js';
import { PROJECT_ROOT, tempDir } from '../helpers/test-deps.js';

const SLOW_CHATS = 3;
const ROUTE_WORKERS = 4;
const running: CliProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.child.kill('SIGKILL');
  for (const f of cleanups.splice(0).reverse()) await f();
});

/**
 * Far beyond any test: only the shutdown can close an idle keep-alive connection, so a shutdown that
 * waited for idle connections instead would hang (and the test fail) rather than pass a bit late.
 */
const KEEP_ALIVE_MS = 600_000;

/**
 * The real service in its own process, every catalog model behind a fake upstream that holds each
 * chat until `release()`: what is in flight at SIGTERM is decided by the test, not by timing.
 */
async function startSlowService(shutdownDeadlineMs: number) {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const up = await startFakeUpstream({ big: { until: held }, small: { until: held } });
  const { dir, cleanup } = tempDir('semroute-shutdown-');
  cleanups.push(() => up.close(), cleanup, release);
  const configFile = path.join(dir, 'router.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      referenceDir: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets'),
      catalog: BIG_SMALL_CATALOG.map((m) => ({ ...m, upstream: { baseUrl: up.baseUrl(m.id), timeoutMs: 600_000 } })),
      routing: { defaultModel: 'big', costWeight: 0.1 },
      embedding: { backend: 'lexical' },
      proxy: { retries: 0 },
      server: { shutdownDeadlineMs, keepAliveTimeoutMs: KEEP_ALIVE_MS },
    }),
  );
  const dataDir = path.join(dir, 'data');
  const service = await startService({ ROUTER_CONFIG: configFile, ROUTER_DATA_DIR: dataDir });
  running.push(service);
  return { ...service, up, release, dataDir, port: Number(new URL(service.url).port) };
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const chat = (url: string) => post(`${url}/v1/chat/completions`, { model: 'router', messages: [{ role: 'user', content: 'Write a Python function that reverses a string' }] });

/** Resolves with the error code of a fresh TCP connection attempt (ECONNREFUSED once the listener is closed). */
function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Waits for `condition`; `what` names it when the cap (far above any healthy run) is reached. */
async function until(condition: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `promise`, or a rejection naming `what` once the cap (far above any healthy run) is reached. */
async function within<T>(promise: Promise<T>, what: string, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  try {
    return await Promise.race([promise, cap]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a keep-alive connection, makes one request on it and leaves it idle; resolves with a flag set when it closes. */
async function idleConnection(url: string): Promise<{ closed: () => boolean }> {
  const agent = new Agent({ keepAlive: true });
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    get(`${url}/healthz`, { agent }, (res: IncomingMessage) => res.resume().on('end', resolve))
      .on('socket', (socket) => socket.once('close', () => (closed = true)))
      .on('error', reject);
  });
  return { closed: () => closed };
}

describe('graceful shutdown', () => {
  it('on SIGTERM refuses new connections, drains in-flight requests, commits every decision, saves the index and exits 0', async () => {
    // Long: the deadline is not what this test is about (the next one is).
    const service = await startSlowService(120_000);

    // A failed chat resolves to its error, so a failing test leaves no unhandled rejection behind.
    let chatsSettled = false;
    const chats = Promise.all(Array.from({ length: SLOW_CHATS }, () => chat(service.url).catch((error: unknown) => ({ status: String(error) })))).finally(() => (chatsSettled = true));
    // Routes keep coming from several callers until the connection is refused or cut.
    const answered: string[] = [];
    let stop = false;
    const workers = Array.from({ length: ROUTE_WORKERS }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await post(`${service.url}/v1/route`, { prompt: `Implement a stack in Python, caller ${w}, request ${i}` });
          if (res.status === 200) answered.push(((await res.json()) as { decisionId: string }).decisionId);
        } catch {
          return;
        }
      }
    });
    await until(() => service.up.calls('big').length + service.up.calls('small').length >= SLOW_CHATS && answered.length >= 20, 'the chats to reach the upstream and 20 routes');
    // Idle from now on: under KEEP_ALIVE_MS only the shutdown can close it.
    const idle = await idleConnection(service.url);

    service.child.kill('SIGTERM');
    await service.waitFor(/shutting down/);
    expect(await connectError(service.port)).toBe('ECONNREFUSED');
    // The idle connection is closed at once, while the chats are still held upstream.
    await until(idle.closed, 'the shutdown to close an idle keep-alive connection');
    expect(chatsSettled).toBe(false);
    service.release();
    const responses = await chats;
    stop = true;
    await Promise.all(workers);
    // The chats' connections fall idle after their answers: the exit must not wait for them.
    const exit = await within(service.exited, 'the exit after the last answer (idle connections held it open?)');

    expect(responses.map((r) => r.status)).toEqual(Array(SLOW_CHATS).fill(200));
    const chatDecisions = await Promise.all(
      responses.map(async (r) => {
        if (!(r instanceof Response)) throw new Error(r.status);
        expect(((await r.json()) as { choices: unknown[] }).choices).toHaveLength(1);
        return r.headers.get('x-semroute-decision-id') ?? '';
      }),
    );
    // 0: every request finished before the deadline; nothing was cut.
    expect(exit).toEqual({ code: 0, signal: null });

    const db = openDatabase(path.join(service.dataDir, 'router.sqlite'));
    cleanups.push(() => {
      db.close();
    });
    const stored = new Set(db.prepare<[], { id: string }>('SELECT id FROM decisions').all().map((r) => r.id));
    const missing = [...answered, ...chatDecisions].filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    // Each slow chat's attempt was logged after its answer went out.
    const attempts = db.prepare<[], { d: string }>("SELECT decision_id AS d FROM attempts WHERE verdict = 'ok'").all().map((r) => r.d);
    expect(chatDecisions.every((id) => attempts.includes(id))).toBe(true);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(indexFileState(service.dataDir, db)).toBe('current');
    console.log(
      `shutdown test: SIGTERM with ${SLOW_CHATS} chats held upstream and ${ROUTE_WORKERS} route callers in flight; idle keep-alive closed while they were held; ` +
        `exited 0 after their answers; ${answered.length + SLOW_CHATS} decisions answered, ${missing.length} missing in SQLite; new connection refused`,
    );
  }, 300_000);

  it('cuts requests still running at the deadline, commits what was written and exits 1', async () => {
    const deadlineMs = 1_000;
    const service = await startSlowService(deadlineMs);
    const answered: string[] = [];
    for (let i = 0; i < 5; i++) answered.push(((await (await post(`${service.url}/v1/route`, { prompt: `Say hello ${i}` })).json()) as { decisionId: string }).decisionId);
    const chats = Array.from({ length: SLOW_CHATS }, () => chat(service.url).then((r) => r.status, () => 'cut'));
    await until(() => service.up.calls('big').length + service.up.calls('small').length >= SLOW_CHATS, 'the chats to reach the upstream');

    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    const exit = await service.exited;
    const exitMs = Date.now() - signalledAt;
    // The upstream holds the chats until the test ends: only the deadline can have ended them.
    expect(await Promise.all(chats)).toEqual(Array(SLOW_CHATS).fill('cut'));
    expect(exit).toEqual({ code: 1, signal: null });
    expect(exitMs).toBeGreaterThanOrEqual(deadlineMs - 50);
    expect(service.stderr()).toContain('shutdown deadline passed');

    const db = openDatabase(path.join(service.dataDir, 'router.sqlite'));
    cleanups.push(() => {
      db.close();
    });
    const ids = db.prepare<[], { id: string }>('SELECT id FROM decisions').all().map((r) => r.id);
    // Every answered route, plus the decision each cut chat made before calling its upstream.
    expect(answered.every((id) => ids.includes(id))).toBe(true);
    expect(ids).toHaveLength(answered.length + SLOW_CHATS);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(indexFileState(service.dataDir, db)).toBe('current');
    console.log(`shutdown test: deadline ${deadlineMs} ms cut ${SLOW_CHATS} slow chats; exited 1 in ${exitMs} ms with ${ids.length} decisions committed`);
  }, 300_000);
});
