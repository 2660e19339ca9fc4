import { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';

export const healthRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', (c) =>
      c.json({
        status: 'ready' as const,
        embedder: deps.embedder.fingerprint,
        index: deps.index.describe(),
        references: deps.references.stats(),
        coverageThreshold: deps.router.coverageThreshold,
        defaultModel: deps.defaultModel,
        routing: deps.router.describe(),
      }),
    );
