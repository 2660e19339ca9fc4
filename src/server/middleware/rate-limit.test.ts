import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../env.js';
import { onError } from '../problem.js';
import { rateLimit } from './rate-limit.js';

/** A one-route app behind the limiter, with a clock the test moves by hand. */
function limitedApp(perMinute: number) {
  let now = 1_000_000;
  const app = new Hono<AppEnv>()
    .use(rateLimit(perMinute, () => '10.0.0.1', () => now))
    .get('/', (c) => c.text('ok'))
    .onError(onError);
  return { app, advance: (ms: number) => (now += ms) };
}

describe('rateLimit', () => {
  it('lets a burst of perMinute through, then answers 429 problems with a Retry-After in seconds', async () => {
    const { app } = limitedApp(3);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.request('/')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await app.request('/');
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // One token comes back every 20 s at 3 a minute.
    expect(Number(refused.headers.get('retry-after'))).toBe(20);
  });

  it('refills continuously: after Retry-After has passed the caller is served again', async () => {
    const { app, advance } = limitedApp(60);
    for (let i = 0; i < 60; i++) await app.request('/');
    expect((await app.request('/')).status).toBe(429);
    advance(999);
    expect((await app.request('/')).status).toBe(429);
    advance(1);
    expect((await app.request('/')).status).toBe(200);
  });

  it('keeps one bucket per API key, separate from the anonymous address bucket', async () => {
    const { app } = limitedApp(1);
    const as = (key?: string) => app.request('/', { headers: key ? { authorization: `Bearer ${key}` } : {} });
    expect((await as('alpha')).status).toBe(200);
    expect((await as('alpha')).status).toBe(429);
    expect((await as('beta')).status).toBe(200);
    expect((await as()).status).toBe(200);
    expect((await as()).status).toBe(429);
  });
});
