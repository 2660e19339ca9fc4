import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { AppError } from '../shared/errors.js';
import type { Metrics, StartupPhase } from '../shared/metrics.js';
import type { AppEnv } from './env.js';
import { onError, RETRY_AFTER_SECONDS } from './problem.js';

export type { StartupPhase } from '../shared/metrics.js';

export interface StartupProgress {
  readonly phase: StartupPhase;
  readonly done: number;
  readonly total: number;
}

/**
 * What the server answers while the embedder loads and the first seed (or a re-embed after an
 * embedder change) runs: /healthz 200 (the process is alive), /readyz 503 with progress, /metrics
 * 200 with what exists yet (process metrics and the start-up figures, Metrics.trackStartup), so a
 * scrape does not mark the target down, and every other path 503 with Retry-After (problem+json;
 * OpenAI's error shape on /v1/chat/completions, via onError). The composition root swaps in the real app when start-up is done.
 */
export function createStartingApp(progress: () => StartupProgress, metrics: Metrics) {
  const notReady = () => {
    const p = progress();
    const where = {
      loading: 'loading the embedder and index',
      embedding: `embedding reference prompts (${p.done} of ${p.total})`,
      calibrating: `calibrating the coverage test and the routing policy (background prompts embedded: ${p.done} of ${p.total})`,
    }[p.phase];
    return new AppError('INDEX_NOT_READY', `the router is starting: ${where}; retry shortly`);
  };
  return new Hono<AppEnv>()
    .use(requestId())
    .onError(onError)
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', (c) => c.json({ status: 'starting' as const, ...progress() }, 503, { 'retry-after': String(RETRY_AFTER_SECONDS) }))
    .get('/metrics', async (c) => {
      const { contentType, body } = await metrics.render();
      return c.body(body, 200, { 'content-type': contentType });
    })
    .all('*', () => {
      throw notReady();
    });
}
