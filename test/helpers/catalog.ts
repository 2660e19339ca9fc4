import type { CatalogModel } from '../../src/config/schema.js';

/** A three-tier catalog for tests: one premium, one mid, one budget model. */
export const TEST_CATALOG: readonly CatalogModel[] = [
  { id: 'premium', provider: 'test', inputPricePer1M: 3, outputPricePer1M: 15, contextWindow: 200_000, tags: [] },
  { id: 'mid', provider: 'test', inputPricePer1M: 0.8, outputPricePer1M: 4, contextWindow: 64_000, tags: [] },
  { id: 'budget', provider: 'test', inputPricePer1M: 0.05, outputPricePer1M: 0.08, contextWindow: 8_000, tags: [] },
];
