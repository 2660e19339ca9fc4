import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../shared/logger.js';
import type { AppEnv } from '../env.js';

/** One structured log line per request, with whatever the handler added to `c.get('event')`. */
export function wideEvent(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    const event: Record<string, unknown> = {};
    c.set('event', event);
    c.set('logger', logger);
    await next();
    logger.info(
      {
        request_id: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        duration_ms: Math.round((performance.now() - start) * 1000) / 1000,
        ...event,
      },
      'request',
    );
  };
}
