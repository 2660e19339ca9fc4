import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../env.js';

/**
 * A token bucket per caller: `perMinute` tokens, refilled continuously. The caller is the bearer
 * key (hashed: keys are never kept in memory in clear) or, without one, the client address.
 */
export function rateLimit(perMinute: number, clientAddress: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string, now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return async (c, next) => {
    const auth = c.req.header('authorization');
    const caller = auth ? `key:${createHash('sha256').update(auth).digest('hex').slice(0, 16)}` : `ip:${clientAddress(c)}`;
    const t = now();
    const bucket = buckets.get(caller) ?? { tokens: perMinute, at: t };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * ratePerMs);
    bucket.at = t;
    buckets.set(caller, bucket);
    if (bucket.tokens < 1) {
      c.header('Retry-After', String(Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000))));
      throw new AppError('RATE_LIMITED', `more than ${perMinute} requests a minute from this caller`);
    }
    bucket.tokens -= 1;
    // Forget idle callers now and then, so the map cannot grow without bound.
    if (buckets.size > 10_000) for (const [k, b] of buckets) if (t - b.at > 60_000) buckets.delete(k);
    await next();
  };
}
