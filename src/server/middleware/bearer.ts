import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../env.js';

/**
 * Requires `Authorization: Bearer <token>`. Both sides are hashed first so the comparison is
 * constant-time whatever the lengths, and no timing reveals how much of a guess was right.
 */
export function requireBearer(token: string): MiddlewareHandler<AppEnv> {
  const expected = createHash('sha256').update(token).digest();
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    const ok = timingSafeEqual(createHash('sha256').update(given).digest(), expected);
    if (!ok) {
      c.header('WWW-Authenticate', 'Bearer realm="semroute-admin"');
      throw new AppError('UNAUTHORIZED', 'admin endpoints need the bearer token (ROUTER_ADMIN_TOKEN)');
    }
    await next();
  };
}
