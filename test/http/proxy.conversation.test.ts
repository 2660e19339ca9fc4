import { describe, expect, it } from 'vitest';
import { CODE, startProxy, user } from '../helpers/proxy-setup.js';

const CHAT = "Hello! What's new with you today?";

describe('the front door routes conversations and sessions like /v1/route', () => {
  it('keeps the session model (x-semroute-session) for a follow-up that alone would go elsewhere', async () => {
    const { post } = await startProxy({ big: {}, small: {} });
    const model = async (messages: unknown, headers: Record<string, string> = {}) => (await post({ model: 'router', messages }, { headers })).headers.get('x-semroute-model');
    expect(await model(user(CHAT))).toBe('small');
    const session = { 'x-semroute-session': 'chat-7' };
    expect(await model(user(CODE), session)).toBe('big');
    expect(await model(user(CHAT), session)).toBe('big');
  });

  it('treats the user field as a session once the chat holds an answer', async () => {
    const { post } = await startProxy({ big: {}, small: {} });
    const model = async (body: Record<string, unknown>) => (await post({ model: 'router', ...body })).headers.get('x-semroute-model');
    expect(await model({ user: 'u-1', messages: user(CODE) })).toBe('big');
    expect(await model({ user: 'u-1', messages: user(CHAT) })).toBe('small');
    expect(await model({ user: 'u-1', messages: [...user(CODE), { role: 'assistant', content: 'done' }, ...user(CHAT)] })).toBe('small');
    expect(await model({ user: 'u-2', messages: user(CODE) })).toBe('big');
    expect(await model({ user: 'u-2', messages: [...user(CODE), { role: 'assistant', content: 'done' }, ...user(CHAT)] })).toBe('big');
  });
});
