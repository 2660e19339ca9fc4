import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { AppError } from '../shared/errors.js';
import type { AppEnv } from './env.js';
import { onError, RETRY_AFTER_SECONDS } from './problem.js';

/**
 * Where start-up is: loading the embedder and index; embedding reference prompts (done of total);
 * or calibrating: embedding the background set (done of total prompts; 0 of 0 when its vectors are
 * cached), then fitting the coverage test and the routing policy.
 */
export type StartupPhase = 'loading' | 'embedding' | 'calibrating';

export interface StartupProgress {
  readonly phase: StartupPhase;
  readonly done: number;
  readonly total: number;
}

/**
 * What the server answers while the embedder loads and the first seed (or a re-embed after an
 * embedder change) runs: /healthz 200 (the process is alive), /readyz 503 with progress, and every
 * other path 503 with Retry-After (problem+json; OpenAI's error shape on /v1/chat/completions, via
 * onError). The composition root swaps in the real app when start-up is done.
 */
export function createStartingApp(progress: () => StartupProgress) {
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
    .all('*', () => {
      throw notReady();
    });
}
