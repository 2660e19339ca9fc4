import { request, type ClientRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Script } from '../helpers/fake-upstream.js';
import { CODE, startProxy, user } from '../helpers/proxy-setup.js';

const BURSTS = 40;
const PER_BURST = 50;
type Leave = 'before_headers' | 'after_headers' | 'mid_stream' | 'at_end' | 'never';
const LEAVES: readonly Leave[] = ['before_headers', 'after_headers', 'mid_stream', 'at_end', 'never'];

/** A small deterministic generator (mulberry32), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One streaming client that leaves at the given moment; resolves when its connection is gone. */
function streamingClient(url: string, leave: Leave, random: () => number): Promise<void> {
  const body = JSON.stringify({ model: 'router', messages: user(CODE), stream: true });
  return new Promise((resolve) => {
    let req: ClientRequest | undefined = undefined;
    const done = () => resolve();
    req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      if (leave === 'after_headers') return void req?.destroy();
      let chunks = 0;
      const stopAt = 1 + Math.floor(random() * 4);
      res.on('data', (data: Buffer) => {
        chunks += 1;
        if ((leave === 'mid_stream' && chunks >= stopAt) || (leave === 'at_end' && data.includes('[DONE]'))) req?.destroy();
      });
      res.on('error', done);
      res.on('end', done);
    });
    req.on('error', done);
    req.on('close', done);
    req.end(body);
    if (leave === 'before_headers') setTimeout(() => req?.destroy(), Math.floor(random() * 3));
  });
}

const escaped: unknown[] = [];
const onEscape = (error: unknown) => void escaped.push(error);
beforeEach(() => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
});
afterEach(() => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
});

describe('streaming clients that disconnect at random moments', () => {
  it(`leave the server up and answering (${BURSTS} bursts of ${PER_BURST})`, async () => {
    const s = await startProxy({ big: { stream: { chunks: ['a ', 'b ', 'c ', 'd '], gapMs: 2 } }, small: { stream: { chunks: ['x ', 'y '], gapMs: 1 } } }, { proxy: { retries: 0 } });
    const random = seeded(20261130);
    // The upstream misbehaves too: error-first, empty, broken mid-stream, or fine.
    const upstreams: Script[] = [
      { stream: { chunks: ['a ', 'b ', 'c ', 'd '], gapMs: 2 } },
      { stream: { errorFirst: 'Overloaded' } },
      { stream: { empty: true } },
      { stream: { chunks: ['a ', 'b ', 'c '], breakAfter: 1, gapMs: 1 } },
    ];
    const counts = new Map<Leave, number>();
    for (let burst = 0; burst < BURSTS; burst++) {
      s.up.set('big', upstreams[burst % upstreams.length] ?? {});
      await Promise.all(
        Array.from({ length: PER_BURST }, () => {
          const leave = LEAVES[Math.floor(random() * LEAVES.length)] ?? 'never';
          counts.set(leave, (counts.get(leave) ?? 0) + 1);
          return streamingClient(`${s.url}/chat/completions`, leave, random);
        }),
      );
    }
    s.up.set('big', {});
    const after = await s.post({ model: 'router', messages: user(CODE) });
    expect(after.status).toBe(200);
    expect((await fetch(s.url.replace('/v1', '/healthz'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(escaped).toEqual([]);
    expect(Math.min(...LEAVES.map((l) => counts.get(l) ?? 0))).toBeGreaterThan(BURSTS * PER_BURST * 0.1);
    // A hang-up is never a quality loss: no proxy-made outcome at all (no answer checks here).
    await s.deps.proxy.idle();
    expect(s.deps.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outcomes').get()?.n).toBe(0);
    // Each committed stream is logged once: at most one cancelled attempt per decision.
    const twice = s.deps.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM (SELECT decision_id FROM attempts WHERE verdict = 'cancelled' GROUP BY decision_id HAVING COUNT(*) > 1)").get()?.n;
    expect(twice).toBe(0);
  }, 240_000);
});

describe('a client that hangs up on a non-streamed request', () => {
  it('aborts the upstream call, logs one neutral attempt, no quality loss, and releases its budget hold', async () => {
    // Each request's expected cost (max_tokens 4,000 on big) holds the whole budget while in flight.
    const s = await startProxy({ big: { delayMs: 600 }, small: {} }, { timeoutMs: 5000, proxy: { budgets: { global: { dailyUsd: 0.01 } } } });
    const abort = new AbortController();
    const pending = s.post({ model: 'router', messages: user(CODE), max_tokens: 4000 }, { signal: abort.signal }).catch((e: unknown) => e);
    while (s.up.calls('big').length === 0) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    await new Promise((r) => setTimeout(r, 200));
    await s.deps.proxy.idle();
    const rows = s.deps.db.prepare<[], { model: string; verdict: string }>('SELECT model, verdict FROM attempts').all();
    expect(rows).toEqual([{ model: 'big', verdict: 'cancelled' }]);
    expect(s.deps.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outcomes').get()?.n).toBe(0);
    expect(s.up.calls('small')).toHaveLength(0);
    // The cancelled request let go of its budget hold: the next one is admitted.
    s.up.set('big', {});
    expect((await s.post({ model: 'router', messages: user(CODE), max_tokens: 4000 })).status).toBe(200);
  });
});
