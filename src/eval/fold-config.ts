import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** One fold's router config: temp data dir, the dataset's catalog, nothing seeded or logged. */
export function foldConfig(o: { dataDir: string; defaultModel: string; catalog: Config['catalog']; k: number | undefined; routing: Readonly<Record<string, number>> }): Config {
  // Settings given by hand are used as given: the leave-one-out fit would replace them.
  const fixed = o.k !== undefined || FITTED.some((key) => key in o.routing);
  const routing = { ...o.routing, defaultModel: o.defaultModel, uncoveredModel: 'global_ranking', ...(o.k !== undefined ? { k: o.k } : {}), ...(fixed ? { tune: { enabled: false } } : {}) };
  return parseConfig({ dataDir: o.dataDir, seedOnEmpty: false, log: { level: 'silent' }, routing, catalog: o.catalog }, 'eval');
}

/** The router settings the leave-one-out fit chooses. */
const FITTED = ['priorStrength', 'similarityPower'];
