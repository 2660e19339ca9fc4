import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, TEST_CONFIG_FILE } from '../../test/helpers/test-deps.js';
import { AppError } from '../shared/errors.js';
import { envOverrides, loadConfig } from './load.js';

/** The shipped defaults, from the test copy (users edit the root file; see shipped-config.test.ts). */
const SHIPPED = TEST_CONFIG_FILE;

function configError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('loadConfig', () => {
  it('loads the shipped file: at least 4 models in 3 price tiers, defaults everywhere else', () => {
    const config = loadConfig({ env: {}, file: SHIPPED });
    expect(config.catalog.length).toBeGreaterThanOrEqual(4);
    const tiers = new Set(config.catalog.flatMap((m) => m.tags.filter((t) => ['premium', 'mid', 'budget'].includes(t))));
    expect(tiers.size).toBe(3);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8787, maxBodyBytes: 256_000, rateLimitPerMinute: 0, corsOrigins: [], shutdownDeadlineMs: 10_000, keepAliveTimeoutMs: 5_000 });
    expect(config.catalog.map((m) => m.id)).toContain(config.routing.defaultModel);
    expect(Object.isFrozen(config.routing)).toBe(true);
  });

  it('blames the environment variable that set a bad value, and the file only for its own', () => {
    const { dir, cleanup } = tempDir('semroute-envblame-');
    try {
      const file = path.join(dir, 'router.json');
      writeFileSync(file, JSON.stringify({ routing: { defaultModel: 'a' } }));
      const both = configError(() => loadConfig({ env: { ROUTER_EMBEDDING__KEEP: 'middle', PORT: 'eighty' }, file }));
      expect(both.message).toMatch(new RegExp(`^invalid configuration \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and environment\\)`));
      expect(both.message).toMatch(/embedding\.keep: .*\(set by environment variable ROUTER_EMBEDDING__KEEP\)/);
      expect(both.message).toMatch(/server\.port: .*\(set by environment variable PORT\)/);
      // The missing catalog is the file's problem: its line names no variable.
      expect(both.message).toMatch(/\n  catalog: is required$/);
      // A flag that overrides the env var carries the blame itself.
      const flag = configError(() => loadConfig({ env: { PORT: '8080' }, file: undefined, overrides: { server: { port: 'x' } } }));
      expect(flag.message).not.toContain('PORT');
    } finally {
      cleanup();
    }
  });

  it('says what a switch accepts: true or false, not "does not match any of the accepted shapes"', () => {
    const error = configError(() => loadConfig({ env: { ROUTER_EMBEDDING__CACHE__ENABLED: 'nope' }, file: SHIPPED }));
    expect(error.message).toMatch(/\n  embedding\.cache\.enabled: must be true or false \(set by environment variable ROUTER_EMBEDDING__CACHE__ENABLED\)$/);
    expect(loadConfig({ env: { ROUTER_EMBEDDING__CACHE__ENABLED: 'off' }, file: SHIPPED }).embedding.cache.enabled).toBe(false);
  });

  it('says what a target accepts, and takes one from the environment', () => {
    const both = { ROUTER_ROUTING__TARGET__QUALITY_SHARE: '0.9', ROUTER_ROUTING__TARGET__COST_SHARE: '0.5' };
    expect(configError(() => loadConfig({ env: both, file: SHIPPED })).message).toContain('routing.target: must be {qualityShare: x} or {costShare: x}, only one of them');
    expect(loadConfig({ env: { ROUTER_ROUTING__TARGET__COST_SHARE: '0.5' }, file: SHIPPED }).routing.target).toEqual({ costShare: 0.5 });
  });

  it('lets env override the file, and PORT / ROUTER_DATA_DIR / ROUTER_REFERENCE_DIR the usual way', () => {
    const env = { PORT: '9999', ROUTER_DATA_DIR: '/tmp/x', ROUTER_REFERENCE_DIR: '/tmp/refs', ROUTER_ROUTING__COST_WEIGHT: '0.7', ROUTER_EMBEDDING__ALLOW_REMOTE: 'false' };
    const config = loadConfig({ env, file: SHIPPED });
    expect(config.server.port).toBe(9999);
    expect(config.dataDir).toBe('/tmp/x');
    expect(config.referenceDir).toBe('/tmp/refs');
    expect(config.routing.costWeight).toBe(0.7);
    expect(config.embedding.allowRemote).toBe(false);
  });

  it('maps ROUTER_<SECTION>__<KEY> to camelCase paths', () => {
    expect(envOverrides({ ROUTER_INDEX__EF_SEARCH: '32' })).toEqual({ index: { efSearch: '32' } });
  });

  it('fails fast with every issue and its path', () => {
    const { dir, cleanup } = tempDir();
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: seventy\ncatalog:\n  - id: a\n    provider: p\n    inputPricePer1M: -1\n    outputPricePer1M: 1\n    contextWindow: 10\n');
    const error = configError(() => loadConfig({ env: {}, file }));
    cleanup();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(['server.port', 'catalog.0.inputPricePer1M']));
    expect(error.message).toContain('catalog.0.inputPricePer1M');
  });

  it('rejects unknown keys with their path, so a typo is not silently ignored', () => {
    const error = configError(() => loadConfig({ env: { ROUTER_ROUTING__COST_WIEGHT: '0.5' }, file: SHIPPED, overrides: { server: { prot: 1 } } }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('costWieght');
    expect(error.message).toContain('prot');
    expect(error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(['routing', 'server']));
  });

  it('rejects an empty catalog, duplicate ids, and files that are not YAML mappings', () => {
    const { dir, cleanup } = tempDir();
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    expect(configError(() => loadConfig({ env: {}, file: write('empty.yaml', 'catalog: []\n') })).details?.[0]?.path).toBe('catalog');
    const model = '{ id: a, provider: p, inputPricePer1M: 1, outputPricePer1M: 1, contextWindow: 10 }';
    expect(configError(() => loadConfig({ env: {}, file: write('dup.yaml', `catalog: [${model}, ${model}]\n`) })).message).toContain('unique');
    expect(configError(() => loadConfig({ env: {}, file: write('list.yaml', '- 1\n- 2\n') })).message).toContain('mapping');
    expect(configError(() => loadConfig({ env: {}, file: write('broken.json', '{"catalog": [') })).message).toContain('not valid JSON');
    expect(configError(() => loadConfig({ env: {}, file: path.join(dir, 'missing.yaml') })).message).toContain('cannot read');
    // A tag yaml cannot resolve would silently become a string; it is an error instead.
    const tagged = configError(() => loadConfig({ env: {}, file: write('tag.yaml', 'server: { port: !!set 8080 }\n') }));
    expect(tagged.message).toContain('not valid YAML');
    expect(tagged.message).toMatch(/tag/i);
    cleanup();
  });
});
