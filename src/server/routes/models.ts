import { Hono } from 'hono';
import { routerModelIds, strategyDescription } from '../../proxy/plan.js';
import type { AppDeps } from '../app.js';
import { ModelsResponseSchema, type ModelsResponse } from '../chat-schemas.js';
import type { AppEnv } from '../env.js';

type Entry = ModelsResponse['data'][number];

/**
 * GET /v1/models in OpenAI's shape: the router strategies (`router`, `router:quality`, …), then the
 * catalog. semroute's own fields (prices, window, what outcomes and the attempt log show) sit under
 * each entry's `semroute` key, so OpenAI clients see only the fields they know.
 */
export const modelRoutes = (deps: AppDeps) => {
  const created = Math.floor(Date.now() / 1000);
  return new Hono<AppEnv>().get('/models', (c) => {
    const stats = new Map(deps.outcomes.modelStats().map((s) => [s.model, s]));
    const upstream = new Map(deps.proxy.attemptStats().map((s) => [s.model, s]));
    const strategies = routerModelIds().map((id): Entry => {
      return { id, object: 'model', created, owned_by: 'semroute', semroute: { kind: 'strategy', ...strategyDescription(id) } };
    });
    const catalog = deps.catalog.map((m): Entry => {
      const s = stats.get(m.id);
      const u = upstream.get(m.id);
      return {
        id: m.id,
        object: 'model',
        created,
        owned_by: m.provider,
        semroute: {
          kind: 'catalog',
          provider: m.provider,
          inputPricePer1M: m.inputPricePer1M,
          outputPricePer1M: m.outputPricePer1M,
          contextWindow: m.contextWindow,
          tags: [...m.tags],
          callable: m.upstream !== undefined,
          observed: { trials: s?.trials ?? 0, successRate: s?.meanValue ?? null, meanLatencyMs: s?.meanLatencyMs ?? null, meanCostUsd: s?.meanCostUsd ?? null },
          upstream: { attempts: u?.attempts ?? 0, okRate: u?.okRate ?? null, meanLatencyMs: u?.meanLatencyMs ?? null, meanCostUsd: u?.meanCostUsd ?? null },
        },
      };
    });
    return c.json(ModelsResponseSchema.parse({ object: 'list', data: [...strategies, ...catalog] }));
  });
};
