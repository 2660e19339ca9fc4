import path from 'node:path';
import { bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';
import { silentLogger } from '../../src/shared/logger.js';
import { PROJECT_ROOT, TEST_CONFIG_FILE } from './test-deps.js';

/** Two models that the fixture sets (test/fixtures/reference-sets) hold records for. */
export const BIG_SMALL_CATALOG = [
  { id: 'big', provider: 'test', inputPricePer1M: 3, outputPricePer1M: 15, contextWindow: 100_000 },
  { id: 'small', provider: 'test', inputPricePer1M: 0.1, outputPricePer1M: 0.4, contextWindow: 100_000 },
];

/** Config over the fixture sets with the big/small catalog, in `dataDir`. */
export function fixtureConfig(dataDir: string, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({
    env: {},
    file: TEST_CONFIG_FILE,
    overrides: {
      dataDir,
      referenceDir: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets'),
      catalog: BIG_SMALL_CATALOG,
      routing: { defaultModel: 'big', costWeight: 0.1 },
      log: { level: 'silent' },
      ...overrides,
    },
  });
}

/** Deps with the lexical embedder: fast, deterministic, no model files. */
export function startLexical(config: Config): Promise<Deps> {
  return bootstrap(config, silentLogger(), { embedder: new LexicalEmbedder({ dims: 256 }) });
}
