import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';

type Catalog = Config['catalog'];

/**
 * Warns once per model whose `upstream.apiKeyEnv` names a variable unset in `env`: the proxy would
 * call it without a key. Only `serve` proxies, so only it warns (at start and on each config reload).
 * With `previous` (the catalog before a reload), models whose key variable is unchanged are skipped:
 * they were warned about already.
 */
export function warnUnsetUpstreamKeys(catalog: Catalog, env: Readonly<Record<string, string | undefined>>, logger: Logger, previous?: Catalog): void {
  const before = new Map((previous ?? []).map((m) => [m.id, m.upstream?.apiKeyEnv]));
  for (const m of catalog) {
    const name = m.upstream?.apiKeyEnv;
    if (name === undefined || env[name]) continue;
    if (previous !== undefined && before.has(m.id) && before.get(m.id) === name) continue;
    logger.warn({ model: m.id, variable: name }, `upstream key for ${m.id} is unset: set ${name}, or its calls go out without a key`);
  }
}
