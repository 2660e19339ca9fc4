import { Hono } from 'hono';

/**
 * The ceiling for /v1/route over HTTP: the same framework and server adapter with one POST route
 * that answers a constant small JSON without reading the body or doing any work.
 */
export function trivialApp(): Hono {
  const answer = { model: 'gpt-4o-mini', covered: true };
  return new Hono().post('/v1/route', (c) => c.json(answer));
}
