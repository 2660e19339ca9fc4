import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/cli/bootstrap.js';
import { appDepsOf } from '../../src/cli/bootstrap.js';
import { promptHash } from '../../src/routing/router.js';
import { createApp } from '../../src/server/app.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

// Lexical embedder over the fixture sets: "code" prompts go to `big`, "chat" prompts to `small`.
const CODE = 'Write a Python function that parses an integer from a string';
const CHAT = 'Good morning, how are you feeling today? Tell me something fun';
const FOLLOW_UP = 'now add unit tests for it';

let deps: Deps;
let dir: { dir: string; cleanup: () => void };
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  dir = tempDir();
  // minSupport 0: coverage by similarity alone, as these tests are about which text is routed on.
  deps = await startLexical(fixtureConfig(dir.dir, { routing: { defaultModel: 'big', costWeight: 0.1, minSupport: 0 } }));
  app = createApp(appDepsOf(deps, silentLogger()));
});
afterAll(() => {
  deps.close();
  dir.cleanup();
});

async function route(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await app.request('/v1/route', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  expect(res.status).toBe(200);
  return RouteResponseSchema.parse(await res.json());
}

describe('conversation-aware routing', () => {
  it('routes a short follow-up on the window of recent user turns, not on its own words', async () => {
    const alone = await route({ prompt: FOLLOW_UP });
    expect(alone.covered).toBe(false);
    expect(alone.routedOn).toMatchObject({ source: 'prompt', turns: 1, chars: FOLLOW_UP.length });
    const chat = await route({
      messages: [
        { role: 'user', content: CODE },
        { role: 'assistant', content: 'def parse(s): return int(s)' },
        { role: 'user', content: FOLLOW_UP },
      ],
    });
    expect(chat.routedOn).toMatchObject({ source: 'window', turns: 2, hash: promptHash(`${CODE}\n${FOLLOW_UP}`) });
    expect(chat).toMatchObject({ covered: true, intent: 'code', model: 'big' });
  });

  it('routes a short follow-up on the turns before it when the window comes back uncovered', async () => {
    // Weighted 1 against the task's 0.6, a few content-free words pull the window off every reference.
    const commit = 'commit it';
    const window = { messages: [{ role: 'user', content: CODE }, { role: 'assistant', content: 'done' }, { role: 'user', content: commit }] };
    const chat = await route(window);
    expect(chat.routedOn).toMatchObject({ source: 'window', turns: 1, chars: CODE.length, hash: promptHash(CODE) });
    expect(chat).toMatchObject({ covered: true, intent: 'code', model: 'big' });
    // With no earlier user turn there is nothing to fall back on: the system prompt alone is never routed on.
    const alone = await route({ messages: [{ role: 'system', content: CODE }, { role: 'user', content: commit }] });
    expect(alone.routedOn).toMatchObject({ source: 'window', turns: 1, chars: commit.length });
    expect(alone.covered).toBe(false);
  });

  it('widens to the window when a long last turn comes back uncovered', async () => {
    const last = 'Also rename the variables so beginners understand everything quickly';
    expect((await route({ prompt: last })).covered).toBe(false);
    const chat = await route({ messages: [{ role: 'user', content: CODE }, { role: 'assistant', content: 'done' }, { role: 'user', content: last }] });
    expect(chat.routedOn.source).toBe('window');
    expect(chat.intent).toBe('code');
  });

  it('routes a covered last turn on its own words, whatever came before', async () => {
    const chat = await route({ messages: [{ role: 'user', content: CODE }, { role: 'assistant', content: 'done' }, { role: 'user', content: CHAT }] });
    expect(chat.routedOn).toMatchObject({ source: 'last_user', turns: 1, chars: CHAT.length });
    expect(chat.intent).toBe('chat');
  });

  it('does not route a system-only request on its system prompt as if it were the user text', async () => {
    const r = await route({ messages: [{ role: 'system', content: CODE }] });
    expect(r.routedOn).toMatchObject({ source: 'none', chars: 0, turns: 0 });
    expect(r.covered).toBe(false);
  });
});

describe('session affinity', () => {
  it('keeps the session model for a follow-up, unless the constraints exclude it', async () => {
    const session = { 'x-semroute-session': 'affinity-1' };
    expect((await route({ prompt: CHAT })).model).toBe('small');
    const first = await route({ prompt: CODE }, session);
    expect(first.model).toBe('big');
    expect(first.routedOn.affinity).toBe('new_session');
    const follow = await route({ prompt: CHAT }, session);
    expect(follow).toMatchObject({ model: 'big', routedOn: { source: 'session', affinity: 'kept' } });
    expect(follow.fallbacks[0]).toBe('small');
    const constrained = await route({ prompt: CHAT, models: ['small'] }, session);
    expect(constrained).toMatchObject({ model: 'small', routedOn: { affinity: 'not_eligible' } });
    // A one-off constraint does not re-pin the session: the next free follow-up is back on its model.
    expect(await route({ prompt: CHAT }, session)).toMatchObject({ model: 'big', routedOn: { affinity: 'kept' } });
    expect((await route({ prompt: CHAT }, { 'x-semroute-session': 'another' })).model).toBe('small');
  });

  it('explains a kept session model as such, now and when the decision is read back', async () => {
    const session = { 'x-semroute-session': 'affinity-explain' };
    await route({ prompt: CODE }, session);
    const kept = await route({ prompt: CHAT, explain: true }, session);
    expect(kept).toMatchObject({ model: 'big', routedOn: { source: 'session', affinity: 'kept', textModel: 'small' } });
    expect(kept.explanation).toMatch(/^big: kept for session follow-ups .*; on the text alone: small: /);
    const res = await app.request(`/v1/decisions/${kept.decisionId}`);
    expect(res.status).toBe(200);
    const stored = (await res.json()) as { routedOn: unknown; explanation: string | null };
    expect(stored.routedOn).toEqual(kept.routedOn);
    expect(stored.explanation).toBe(kept.explanation);
  });

  it('treats the user field as a session only on follow-ups (the chat already holds an answer)', async () => {
    await route({ user: 'u-42', messages: [{ role: 'user', content: CODE }] });
    const fresh = await route({ user: 'u-42', messages: [{ role: 'user', content: CHAT }] });
    expect(fresh).toMatchObject({ model: 'small', routedOn: { affinity: 'new_session' } });
    const follow = await route({ user: 'u-42', messages: [{ role: 'user', content: CHAT }, { role: 'assistant', content: 'hi' }, { role: 'user', content: CHAT }] });
    expect(follow).toMatchObject({ model: 'small', routedOn: { affinity: 'same_model' } });
  });

  it('forgets sessions after their time to live and holds at most maxSessions', async () => {
    const { SessionAffinity } = await import('../../src/routing/session-affinity.js');
    let now = 0;
    const sessions = new SessionAffinity({ ttlMs: 1000, maxSessions: 2, now: () => now });
    sessions.remember('a', 'big');
    sessions.remember('b', 'big');
    expect(sessions.modelOf('a')).toBe('big');
    sessions.remember('c', 'small');
    expect(sessions.size).toBe(2);
    expect(sessions.modelOf('b')).toBeUndefined();
    now = 1001;
    expect(sessions.modelOf('a')).toBeUndefined();
  });
});
