import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, type Deps } from '../../src/cli/bootstrap.js';
import { loadConfig } from '../../src/config/load.js';
import { createApp } from '../../src/server/app.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { AppError } from '../../src/shared/errors.js';
import { silentLogger } from '../../src/shared/logger.js';
import { BIG_SMALL_CATALOG, fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { TEST_CONFIG_FILE, tempDir } from '../helpers/test-deps.js';

const RULES = [
  { name: 'greetings-to-big', when: { keywords: ['hello'] }, then: { pin: 'big' } },
  { name: 'free-tier', when: { tier: ['free'] }, then: { exclude: ['big'] } },
];

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

async function app() {
  const { dir, cleanup } = tempDir();
  const deps: Deps = await startLexical(fixtureConfig(dir, { rules: RULES }));
  running.push(() => (deps.close(), cleanup()));
  const hono = createApp(appDepsOf(deps, silentLogger()));
  return async (body: unknown) => {
    const res = await hono.request('/v1/route', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    return RouteResponseSchema.parse(await res.json());
  };
}

describe('rules before similarity', () => {
  it('pins a model when a rule fires, and says which rule', async () => {
    const route = await app();
    const greeting = await route({ prompt: 'Hello! What is new with you today?' });
    expect(greeting).toMatchObject({ model: 'big', reason: 'rule', rule: 'greetings-to-big' });
    const plain = await route({ prompt: 'Tell me something fun about your weekend' });
    expect(plain.rule).toBeNull();
  });

  it('excludes models for request metadata', async () => {
    const route = await app();
    const r = await route({ prompt: 'Write a Python function that reverses a string', tier: 'free' });
    expect(r).toMatchObject({ model: 'small', rule: 'free-tier', fallbacks: [] });
    expect(r.excluded).toEqual([{ model: 'big', why: 'excluded_by_rule' }]);
  });

  it('rejects a rule naming a model outside the catalog at load time', () => {
    const bad = () =>
      loadConfig({ env: {}, file: TEST_CONFIG_FILE, overrides: { catalog: BIG_SMALL_CATALOG, routing: { defaultModel: 'big' }, rules: [{ name: 'x', when: { tier: ['a'] }, then: { pin: 'gpt-17' } }] } });
    expect(bad).toThrow(AppError);
    try {
      bad();
    } catch (error) {
      expect(error instanceof AppError ? error.details?.[0]?.path : '').toBe('rules.0.then.pin');
    }
  });
});
