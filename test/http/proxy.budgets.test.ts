import { describe, expect, it } from 'vitest';
import { OpenAiErrorSchema } from '../../src/server/chat-schemas.js';
import { periodsOf } from '../../src/store/spend-store.js';
import { CODE, startProxy, user } from '../helpers/proxy-setup.js';
import { tempDir } from '../helpers/test-deps.js';

const spendRow = (s: Awaited<ReturnType<typeof startProxy>>) =>
  s.deps.db.prepare<[string], { usd: number; estimated: number }>("SELECT SUM(usd) AS usd, SUM(estimated_usd) AS estimated FROM spend WHERE period = ? AND api_key = '*'").get(periodsOf(new Date()).day);

describe('spend and budgets', () => {
  it('estimates spend when the upstream gives no usage, marks it, and trips a small budget on the second request', async () => {
    // big, named: $3/$15 per 1M; its 4,000-character answer alone is ~1,000 tokens, over the $0.01 budget.
    const s = await startProxy({ big: { noUsage: true, content: 'x'.repeat(4000) }, small: {} }, { proxy: { budgets: { global: { dailyUsd: 0.01 } } } });
    const first = await s.post({ model: 'big', messages: user(CODE) });
    expect(first.status).toBe(200);
    const attempts = await s.attempts(first.headers.get('x-semroute-decision-id') ?? '');
    expect(attempts).toMatchObject([{ verdict: 'ok', usageEstimated: 1 }]);
    // 1000 completion tokens (4000 chars) at $15/1M plus the prompt at $3/1M.
    expect(attempts[0]?.costUsd).toBeGreaterThan(0.015);
    expect(spendRow(s)).toMatchObject({ usd: attempts[0]?.costUsd, estimated: attempts[0]?.costUsd });
    const second = await s.post({ model: 'big', messages: user(CODE) });
    expect(second.status).toBe(429);
    expect(OpenAiErrorSchema.parse(await second.json()).error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exhausted' });
    expect(s.up.calls('big')).toHaveLength(1);
  });

  it('estimates a stream without usage from its streamed content', async () => {
    const s = await startProxy({ big: { noUsage: true, stream: { chunks: ['abcd'.repeat(100)] } }, small: {} });
    const res = await s.post({ model: 'big', messages: user(CODE), stream: true });
    await res.text();
    const [attempt] = await s.attempts(res.headers.get('x-semroute-decision-id') ?? '');
    expect(attempt).toMatchObject({ verdict: 'ok', usageEstimated: 1 });
    expect(attempt?.costUsd).toBeGreaterThanOrEqual((100 * 15) / 1e6);
  });

  it('admits exactly one of six concurrent requests that each cost the whole budget', async () => {
    // The expected cost of one request (prompt + max_tokens on big) is above the whole budget.
    const s = await startProxy({ big: { delayMs: 200 }, small: { delayMs: 200 } }, { proxy: { budgets: { global: { dailyUsd: 0.01 } } } });
    const statuses = await Promise.all(Array.from({ length: 6 }, () => s.post({ model: 'router', messages: user(CODE), max_tokens: 4000 }).then((r) => r.status)));
    expect(statuses.filter((st) => st === 200)).toHaveLength(1);
    expect(statuses.filter((st) => st === 429)).toHaveLength(5);
    expect(s.up.calls('big').length + s.up.calls('small').length).toBe(1);
  });

  it('releases the hold of a request that failed, so the next one is admitted', async () => {
    const s = await startProxy({ big: { status: 500 }, small: { status: 500 } }, { proxy: { retries: 0, budgets: { global: { dailyUsd: 0.01 } } } });
    expect((await s.post({ model: 'router', messages: user(CODE), max_tokens: 4000 })).status).toBe(502);
    s.up.set('big', {});
    expect((await s.post({ model: 'router', messages: user(CODE), max_tokens: 4000 })).status).toBe(200);
  });

  it('keeps spend across a restart', async () => {
    const { dir, cleanup } = tempDir();
    const budgets = { global: { dailyUsd: 0.005 } };
    try {
      const first = await startProxy({ big: {}, small: {} }, { proxy: { budgets }, dataDir: dir });
      expect((await first.post({ model: 'router', messages: user(CODE) })).status).toBe(200);
      await first.close();
      const second = await startProxy({ big: {}, small: {} }, { proxy: { budgets }, dataDir: dir });
      expect((await second.post({ model: 'router', messages: user(CODE) })).status).toBe(429);
      await second.close();
    } finally {
      cleanup();
    }
  });

  it('downgrades to the cheapest model once the budget is spent, when configured to', async () => {
    const s = await startProxy({ big: {}, small: {} }, { proxy: { budgets: { global: { dailyUsd: 0.005 }, onExhausted: 'cheapest' } } });
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('big');
    await s.deps.proxy.idle();
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('small');
  });
});
