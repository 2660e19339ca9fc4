import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { CODE, startProxy, user } from '../helpers/proxy-setup.js';

type Chunk = { model?: string; choices: { delta?: { content?: string | null } }[]; usage?: unknown };

async function collect(stream: AsyncIterable<Chunk>): Promise<{ text: string; chunks: Chunk[] }> {
  const chunks: Chunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { text: chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), chunks };
}

describe('streams through the OpenAI client', () => {
  it('gives the client the usage-only chunk only when it asked for it, while semroute still counts usage', async () => {
    const s = await startProxy({ big: {}, small: {} });
    const plain = await collect(await s.client.chat.completions.create({ model: 'router', messages: user(CODE), stream: true }));
    expect(plain.text).toBe('one two three');
    // Every chunk names the catalog model, as a non-streamed answer does (the upstream says `upstream-big`).
    expect(new Set(plain.chunks.map((c) => c.model))).toEqual(new Set(['big']));
    expect(plain.chunks.some((c) => c.choices.length === 0)).toBe(false);
    // semroute asked the upstream for usage all the same, for its own spend.
    expect(s.up.lastBody('big')?.['stream_options']).toEqual({ include_usage: true });

    const refused = await collect(await s.client.chat.completions.create({ model: 'router', messages: user(CODE), stream: true, stream_options: { include_usage: false } }));
    expect(refused.chunks.some((c) => c.choices.length === 0)).toBe(false);

    const asked = await collect(await s.client.chat.completions.create({ model: 'router', messages: user(CODE), stream: true, stream_options: { include_usage: true } }));
    expect(asked.chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 10 } });

    const { data, response } = await s.client.chat.completions.create({ model: 'router', messages: user(CODE), stream: true }).withResponse();
    await collect(data);
    const attempts = await s.attempts(response.headers.get('x-semroute-decision-id') ?? '');
    expect(attempts).toMatchObject([{ model: 'big', verdict: 'ok', usageEstimated: 0 }]);
    expect(attempts[0]?.costUsd).toBeCloseTo((10 * 3 + 3 * 15) / 1e6, 12);
  });

  it('lets a 4 s stream with 250 ms between chunks arrive whole behind a 2 s timeout', async () => {
    const chunks = Array.from({ length: 16 }, (_, i) => `w${i} `);
    const s = await startProxy({ big: { stream: { chunks, gapMs: 250 } }, small: {} }, { timeoutMs: 2000 });
    const started = Date.now();
    const { text } = await collect(await s.client.chat.completions.create({ model: 'router', messages: user(CODE), stream: true }));
    expect(text).toBe(chunks.join(''));
    expect(Date.now() - started).toBeGreaterThanOrEqual(3750);
    expect(s.up.calls('small')).toHaveLength(0);
  }, 20_000);

  it('cuts a stream whose gap between chunks exceeds the timeout, with an error the SDK raises', async () => {
    const s = await startProxy({ big: { stream: { chunks: ['a ', 'b ', 'c '], gapMs: 800 } }, small: {} }, { timeoutMs: 400 });
    const { data, response } = await s.client.chat.completions.create({ model: 'router', messages: user(CODE), stream: true }).withResponse();
    const error = await collect(data).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(String((error as APIError).message)).toContain('stream broke after content');
    expect((await s.attempts(response.headers.get('x-semroute-decision-id') ?? '')).map((a) => a.verdict)).toEqual(['stream_broken']);
  });

  it.each([
    ['an error-first stream', { stream: { errorFirst: 'Overloaded' } }],
    ['an empty stream', { stream: { empty: true } }],
  ])('falls back from %s to the next model and records the first as a failure', async (_name, script) => {
    const s = await startProxy({ big: script, small: { content: 'from small' } });
    const { data, response } = await s.client.chat.completions.create({ model: 'router', messages: user(CODE), stream: true }).withResponse();
    expect((await collect(data)).text).toBe('from small');
    expect(response.headers.get('x-semroute-model')).toBe('small');
    expect(response.headers.get('x-semroute-fallbacks')).toBe('1');
    const decisionId = response.headers.get('x-semroute-decision-id') ?? '';
    expect((await s.attempts(decisionId)).map((a) => [a.model, a.verdict])).toEqual([
      ['big', 'stream_failed_before_content'],
      ['small', 'ok'],
    ]);
    // A transport failure is not a quality loss: no outcome moves big's win record.
    expect(await s.outcomes(decisionId)).toEqual([]);
  });

  it('ends a stream that breaks after content with an error the SDK raises, recorded once', async () => {
    const s = await startProxy({ big: { stream: { chunks: ['a ', 'b ', 'c ', 'd '], breakAfter: 2, gapMs: 20 } }, small: {} });
    const { data, response } = await s.client.chat.completions.create({ model: 'router', messages: user(CODE), stream: true }).withResponse();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of data) seen.push(chunk.choices[0]?.delta?.content ?? '');
    })().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(seen.join('')).toBe('a b ');
    const attempts = await s.attempts(response.headers.get('x-semroute-decision-id') ?? '');
    expect(attempts.map((a) => [a.model, a.verdict])).toEqual([['big', 'stream_broken']]);
    expect(s.up.calls('small')).toHaveLength(0);
  });

  it('aborts the upstream when the client hangs up, with one neutral attempt and no quality loss', async () => {
    const s = await startProxy({ big: { stream: { chunks: Array(40).fill('x '), gapMs: 50 } }, small: {} });
    const abort = new AbortController();
    const res = await s.post({ model: 'router', messages: user(CODE), stream: true }, { signal: abort.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    await reader?.read();
    abort.abort();
    const decisionId = res.headers.get('x-semroute-decision-id') ?? '';
    await new Promise((r) => setTimeout(r, 300));
    expect((await s.attempts(decisionId)).map((a) => [a.model, a.verdict])).toEqual([['big', 'cancelled']]);
    expect(await s.outcomes(decisionId)).toEqual([]);
    // Still serving.
    expect((await s.post({ model: 'router', messages: user(CODE) })).status).toBe(200);
  });
});
