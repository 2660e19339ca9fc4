import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { OpenAiErrorSchema } from '../../src/server/chat-schemas.js';
import { CODE, startProxy, user } from '../helpers/proxy-setup.js';

describe('upstream errors, one taxonomy', () => {
  it('after a 429 with Retry-After: 5, makes no call to that model within 5 s, and routes around it', async () => {
    const s = await startProxy({ big: { status: 429, headers: { 'retry-after': '5' } }, small: {} });
    const first = await s.post({ model: 'router', messages: user(CODE) });
    expect(first.headers.get('x-semroute-model')).toBe('small');
    s.up.set('big', {});
    const heldAt = s.up.calls('big')[0]?.at ?? 0;
    for (let i = 0; i < 5; i++) {
      expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('small');
    }
    // A caller who names the held model gets a 429 with the time left, and still no call is made.
    const named = await s.post({ model: 'big', messages: user(CODE) });
    expect(named.status).toBe(429);
    expect(Number(named.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(OpenAiErrorSchema.parse(await named.json()).error.type).toBe('rate_limit_error');
    expect(s.up.calls('big')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, Math.max(0, heldAt + 5000 - Date.now()) + 100));
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('big');
    expect((s.up.calls('big')[1]?.at ?? 0) - heldAt).toBeGreaterThanOrEqual(5000);
  }, 20_000);

  it('answers 429 with Retry-After, calling nobody, while every model waits out a Retry-After', async () => {
    const s = await startProxy({ big: { status: 503, headers: { 'retry-after': '3' } }, small: { status: 429, headers: { 'retry-after': '4' } } });
    expect((await s.post({ model: 'router', messages: user(CODE) })).status).toBe(502);
    const held = await s.post({ model: 'router', messages: user(CODE) });
    expect(held.status).toBe(429);
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
    expect(s.up.calls('big').length + s.up.calls('small').length).toBe(2);
  });

  it.each([404, 401, 403])('falls back from a routed %i, but returns it as-is for a named model', async (status) => {
    const s = await startProxy({ big: { status, error: { message: 'The model `big` does not exist', code: 'model_not_found' } }, small: {} });
    const routed = await s.post({ model: 'router', messages: user(CODE) });
    expect(routed.status).toBe(200);
    expect(routed.headers.get('x-semroute-model')).toBe('small');
    const decisionId = routed.headers.get('x-semroute-decision-id') ?? '';
    expect((await s.attempts(decisionId)).map((a) => a.verdict)).toEqual(['deployment_fault', 'ok']);
    expect(await s.outcomes(decisionId)).toEqual([]);

    const error = await s.client.chat.completions.create({ model: 'big', messages: user(CODE) }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(status);
    expect((error as APIError).message).toContain('does not exist');
  });

  it("returns a 400 caused by the caller's content as-is, without trying another model", async () => {
    const s = await startProxy({ big: { status: 400, error: { message: "Invalid schema for function 'f'", type: 'invalid_request_error', code: 'invalid_function_parameters', param: 'tools[0]' } }, small: {} });
    const error = await s.client.chat.completions.create({ model: 'router', messages: user(CODE) }).then(() => undefined, (e: unknown) => e);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).code).toBe('invalid_function_parameters');
    expect(s.up.calls('small')).toHaveLength(0);
  });

  it('moves a context_length_exceeded to a model with a larger window', async () => {
    const s = await startProxy({ big: { maxPromptChars: 100 }, small: {} }, { models: { big: { contextWindow: 90_000 } } });
    const res = await s.post({ model: 'router', messages: user(CODE) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-semroute-model')).toBe('small');
    const named = await s.post({ model: 'big', messages: user(CODE) });
    expect(named.status).toBe(400);
    expect(((await named.json()) as { error: { code: string } }).error.code).toBe('context_length_exceeded');
  });

  it('skips an 8k-window model for a ~15k-token conversation, counting every message and the tools', async () => {
    const s = await startProxy({ big: {}, small: {} }, { models: { big: { contextWindow: 8192 } } });
    const history = Array.from({ length: 30 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `${'lorem ipsum dolor sit amet '.repeat(74)}${i}` }));
    const messages = [...history, { role: 'user', content: CODE }];
    const res = await s.post({ model: 'router', messages });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-semroute-model')).toBe('small');
    expect(s.up.calls('big')).toHaveLength(0);
    // The same last turn alone fits the 8k model and goes to it.
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('big');
  });

  it('retries a transient failure, then falls back; not a quality loss', async () => {
    const s = await startProxy({ big: { status: 500 }, small: {} }, { proxy: { retries: 1 } });
    const res = await s.post({ model: 'router', messages: user(CODE) });
    expect(res.headers.get('x-semroute-model')).toBe('small');
    expect(s.up.calls('big')).toHaveLength(2);
    const decisionId = res.headers.get('x-semroute-decision-id') ?? '';
    expect((await s.attempts(decisionId)).map((a) => a.verdict)).toEqual(['transient', 'transient', 'ok']);
    expect(await s.outcomes(decisionId)).toEqual([]);
  });

  it('falls back from an upstream that hangs up or times out', async () => {
    const s = await startProxy({ big: { hangUp: true }, small: {} }, { proxy: { retries: 0 } });
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('small');
    s.up.set('big', { delayMs: 1500 });
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('small');
  });

  it('puts a failing model in cooldown, skips it, and takes it back afterwards', async () => {
    const s = await startProxy({ big: { status: 502 }, small: {} }, { proxy: { retries: 0, cooldown: { failures: 1, ms: 400 } } });
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-fallbacks')).toBe('1');
    s.up.set('big', {});
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('small');
    expect(s.up.calls('big')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 450));
    expect((await s.post({ model: 'router', messages: user(CODE) })).headers.get('x-semroute-model')).toBe('big');
  });

  it("answers its own errors in OpenAI's shape, which the SDK shows", async () => {
    const s = await startProxy({ big: { status: 500 }, small: { status: 500 } }, { proxy: { retries: 0 } });
    const failed = await s.client.chat.completions.create({ model: 'router', messages: user(CODE) }).then(() => undefined, (e: unknown) => e);
    expect((failed as APIError).status).toBe(502);
    expect((failed as APIError).message).toContain('no upstream answered');
    const bad = await s.post({ model: 'router:fastest', messages: user(CODE) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/json');
    expect(OpenAiErrorSchema.parse(await bad.json()).error).toMatchObject({ type: 'invalid_request_error', param: 'model' });
    const empty = await s.post({ model: 'router', messages: [] });
    expect(OpenAiErrorSchema.parse(await empty.json()).error.param).toBe('messages');
    // Our own endpoints keep problem+json.
    const route = await fetch(`${s.url}/route`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(route.headers.get('content-type')).toBe('application/problem+json');
  });

  it('names the setting to add when no catalog model has an upstream', async () => {
    const s = await startProxy({}, { models: { big: { upstream: undefined }, small: { upstream: undefined } } });
    const error = await s.client.chat.completions.create({ model: 'router', messages: user(CODE) }).then(() => undefined, (e: unknown) => e);
    expect((error as APIError).message).toContain('upstream: { baseUrl, apiKeyEnv }');
  });

  it('never leaks the upstream API key in responses or metrics', async () => {
    const s = await startProxy({ big: { status: 500 }, small: { status: 500 } }, { proxy: { retries: 0 } });
    const res = await s.post({ model: 'router', messages: user(CODE) });
    expect(res.status).toBe(502);
    expect(s.up.calls('big')[0]).toBeDefined();
    const text = (await res.text()) + (await (await fetch(s.url.replace('/v1', '/metrics'))).text());
    expect(text).not.toContain('sk-upstream-secret');
  });
});
