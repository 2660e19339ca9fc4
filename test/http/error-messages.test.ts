import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ProblemSchema } from '../../src/server/schemas.js';
import { AppError } from '../../src/shared/errors.js';
import { startAdminApp } from '../helpers/admin-app.js';
import { TEST_CONFIG_FILE } from '../helpers/test-deps.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

/** zod's defaults that must never reach a user: type jargon, NaN, and regex sources. */
const JARGON = /Invalid input|expected \w+, received|NaN|\/\^|\\p\{|Too (small|big)|Unrecognized key/;

describe('validation errors read like sentences', () => {
  it('on our HTTP endpoints, for a sample of mistakes', async () => {
    const s = await startAdminApp();
    running.push(s.stop);
    const cases: [string, string, unknown, { path: string; message: string }][] = [
      ['POST', '/v1/route', { prompt: 'hi', k: 'ten' }, { path: 'k', message: 'must be a number' }],
      ['POST', '/v1/route', { prompt: 'hi', k: 2.5 }, { path: 'k', message: 'must be a whole number' }],
      ['POST', '/v1/route', { prompt: 'hi', maxPricePer1M: -1 }, { path: 'maxPricePer1M', message: 'must be at least 0' }],
      ['POST', '/v1/route', { prompt: 'hi', models: [] }, { path: 'models', message: 'must not be empty' }],
      ['POST', '/v1/route', { promt: 'hi', prompt: 'hi' }, { path: '(root)', message: 'has an unknown field: promt (did you mean prompt?)' }],
      ['POST', '/v1/outcomes', { prompt: 'hi', model: 'big', outcome: { success: 'yes' } }, { path: 'outcome', message: 'does not match any of the accepted shapes (see /docs)' }],
      ['POST', '/v1/route', { prompt: 'hi', target: { quality: 0.95 } }, { path: 'target', message: 'must be {qualityShare: x} or {costShare: x}, only one of them, with x in (0, 1]' }],
      ['POST', '/v1/admin/references', { prompt: 'hi', records: { big: { wins: -1 } } }, { path: 'records.big.wins', message: 'must be at least 0' }],
      ['POST', '/v1/admin/references', { prompt: '   ' }, { path: 'prompt', message: 'prompt must not be empty' }],
    ];
    for (const [method, url, body, expected] of cases) {
      const res = await s.call(method, url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const problem = ProblemSchema.parse(await res.json());
      expect(problem.errors, JSON.stringify(body)).toContainEqual(expected);
      expect(problem.detail).not.toMatch(JARGON);
    }
  });

  it('in config files', () => {
    let error: unknown;
    try {
      loadConfig({ env: { PORT: 'seventy' }, file: TEST_CONFIG_FILE, overrides: { routing: { k: 0, defaultModel: 'gpt-5' }, rules: [{ name: 'r', when: {}, then: { pin: 'gpt-5' } }] } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const details = error instanceof AppError ? (error.details ?? []) : [];
    expect(details).toEqual(expect.arrayContaining([{ path: 'server.port', message: 'must be a number' }, { path: 'routing.k', message: 'must be at least 1' }]));
    for (const d of details) expect(d.message).not.toMatch(JARGON);
  });
});
