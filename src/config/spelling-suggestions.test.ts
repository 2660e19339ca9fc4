import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, TEST_CONFIG_FILE } from '../../test/helpers/test-deps.js';
import { AppError } from '../shared/errors.js';
import { settingEnvNames, unknownEnvWarnings } from './env-names.js';
import { envOverrides, loadConfig } from './load.js';

/** The shipped defaults, from the test copy (users edit the root file; see shipped-config.test.ts). */
const SHIPPED = TEST_CONFIG_FILE;

function configMessage(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    if (error instanceof AppError && error.code === 'CONFIG_INVALID') return error.message;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('a mistyped config key says which key was meant', () => {
  it('in the config file: a swapped pair, a missing letter, snake case', () => {
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'router.yaml');
    writeFileSync(file, 'server:\n  prot: 9000\nrouting:\n  cost_weight: 0.3\nindex:\n  efSearh: 32\n  bananas: 3\n');
    const message = configMessage(() => loadConfig({ env: {}, file, overrides: { catalog: loadConfig({ env: {}, file: SHIPPED }).catalog } }));
    cleanup();
    expect(message).toContain('server: has an unknown field: prot (did you mean port?)');
    expect(message).toContain('routing: has an unknown field: cost_weight (did you mean costWeight?)');
    expect(message).toContain('index: has unknown fields: efSearh (did you mean efSearch?), bananas');
    expect(message).not.toContain('set by environment variable');
  });

  it('without a close key, asks to check the spelling', () => {
    const message = configMessage(() => loadConfig({ env: {}, file: SHIPPED, overrides: { log: { zebra: true } } }));
    expect(message).toContain('log: has an unknown field: zebra (check the spelling)');
  });

  it('in a ROUTER_<SECTION>__<KEY> variable: names the variable and the one meant', () => {
    const message = configMessage(() => loadConfig({ env: { ROUTER_ROUTING__COST_WIEGHT: '0.5' }, file: SHIPPED }));
    expect(message).toContain('routing: has an unknown field: costWieght (did you mean costWeight?) (set by environment variable ROUTER_ROUTING__COST_WIEGHT; did you mean ROUTER_ROUTING__COST_WEIGHT?)');
  });

  it('in a variable whose section is mistyped: the unknown key is the section', () => {
    const message = configMessage(() => loadConfig({ env: { ROUTER_ROUTNG__K: '12' }, file: SHIPPED }));
    expect(message).toContain('(root): has an unknown field: routng (did you mean routing?) (set by environment variable ROUTER_ROUTNG__K; did you mean ROUTER_ROUTING__K?)');
    expect(message).toMatch(/^invalid configuration \(environment\)/);
  });
});

describe('ROUTER_ variables that set nothing', () => {
  const config = loadConfig({ env: {}, file: SHIPPED });

  it('are warned about with the setting meant (the loader ignores them)', () => {
    const env = { ROUTER_DATADIR: '/tmp/x', ROUTER_ROUTING_COST_WEIGHT: '0.3', ROUTER_SEED_ON_EMPTY: 'false', PATH: '/usr/bin' };
    expect(envOverrides(env)).toEqual({});
    expect(unknownEnvWarnings(env, config)).toEqual([
      { variable: 'ROUTER_DATADIR', message: 'environment variable ROUTER_DATADIR is not a setting and is ignored; did you mean ROUTER_DATA_DIR?' },
      { variable: 'ROUTER_ROUTING_COST_WEIGHT', message: 'environment variable ROUTER_ROUTING_COST_WEIGHT is not a setting and is ignored; did you mean ROUTER_ROUTING__COST_WEIGHT?' },
      { variable: 'ROUTER_SEED_ON_EMPTY', message: expect.stringContaining('is not a setting and is ignored (a setting in a section is ROUTER_<SECTION>__<KEY>') },
    ]);
  });

  it('leave alone the settings, ROUTER_CONFIG and the key variables the config names', () => {
    const withKeys = loadConfig({
      env: {},
      file: SHIPPED,
      overrides: { catalog: config.catalog.map((m, i) => (i === 0 ? { ...m, upstream: { baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: 'ROUTER_UPSTREAM_KEY' } } : m)) },
    });
    const env = { ROUTER_CONFIG: 'x.yaml', ROUTER_DATA_DIR: '/tmp', ROUTER_ADMIN_TOKEN: 'x'.repeat(20), ROUTER_UPSTREAM_KEY: 'sk-test', ROUTER_LOG__LEVEL: 'warn' };
    expect(unknownEnvWarnings(env, withKeys)).toEqual([]);
  });

  it('every name it suggests is a key the schema knows', () => {
    for (const name of settingEnvNames().filter((n) => n.includes('__'))) {
      let message = '';
      try {
        loadConfig({ env: { [name]: '1' }, file: SHIPPED });
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message, name).not.toContain('unknown field');
    }
    expect(settingEnvNames()).toEqual(expect.arrayContaining(['ROUTER_ROUTING__TARGET__QUALITY_SHARE', 'ROUTER_EMBEDDING__POOL__SIZE', 'ROUTER_DATA_DIR', 'ROUTER_CONFIG']));
  });
});
