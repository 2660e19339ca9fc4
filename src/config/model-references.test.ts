import { describe, expect, it } from 'vitest';
import { TEST_CONFIG_FILE } from '../../test/helpers/test-deps.js';
import { AppError } from '../shared/errors.js';
import { loadConfig } from './load.js';

/** The shipped defaults, from the test copy (users edit the root file; see shipped-config.test.ts). */
const SHIPPED = TEST_CONFIG_FILE;

/** A model id the shipped catalog holds, whatever it is renamed to. */
function shippedModel(): string {
  return loadConfig({ env: {}, file: SHIPPED }).catalog[0]?.id ?? '';
}

function failure(overrides: Record<string, unknown>): AppError {
  try {
    loadConfig({ env: {}, file: SHIPPED, overrides });
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('model ids named in the config', () => {
  it('refuses a defaultModel that is not in the catalog, naming the key', () => {
    const error = failure({ routing: { defaultModel: 'gpt4o' } });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details?.map((d) => d.path)).toEqual(['routing.defaultModel']);
    expect(error.message).toMatch(/routing\.defaultModel: 'gpt4o' is not a model in the catalog \(catalog: \S/);
  });

  it('refuses the same from the environment, and every rule pin and exclusion, each by its path', () => {
    const error = failure({
      routing: { defaultModel: 'nope-1' },
      rules: [
        { name: 'a', when: { tier: ['free'] }, then: { pin: 'nope-2' } },
        { name: 'b', when: { tags: ['x'] }, then: { exclude: [shippedModel(), 'nope-3'] } },
      ],
    });
    expect(error.details?.map((d) => d.path)).toEqual(['routing.defaultModel', 'rules.0.then.pin', 'rules.1.then.exclude.1']);
    expect(() => loadConfig({ env: { ROUTER_ROUTING__DEFAULT_MODEL: 'typo-model' }, file: SHIPPED })).toThrow(/routing\.defaultModel: 'typo-model' is not a model/);
  });
});
