import { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { ModelsResponseSchema } from '../outcome-schemas.js';

/** The catalog, with what outcomes have shown of each model so far. */
export const modelRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().get('/models', (c) => {
    const stats = new Map(deps.outcomes.modelStats().map((s) => [s.model, s]));
    const data = deps.catalog.map((m) => {
      const s = stats.get(m.id);
      return {
        ...m,
        observed: {
          trials: s?.trials ?? 0,
          successRate: s?.meanValue ?? null,
          meanLatencyMs: s?.meanLatencyMs ?? null,
          meanCostUsd: s?.meanCostUsd ?? null,
        },
      };
    });
    return c.json(ModelsResponseSchema.parse({ object: 'list', data }));
  });
