import { Hono } from 'hono';
import { RouteRequestSchema } from '../../src/server/schemas.js';

/**
 * The ceiling for /v1/route over HTTP: the same framework and server adapter with one POST route
 * that answers a constant small JSON without reading the body or doing any work.
 */
export function trivialApp(): Hono {
  const answer = { model: 'gpt-5-mini', covered: true };
  return new Hono().post('/v1/route', (c) => c.json(answer));
}

/**
 * /v1/route without the routing: reads the body, validates it with the route's own schema and
 * answers a response captured from the real router (the same bytes). Its distance to the trivial
 * handler is what HTTP framing costs; its distance to /v1/route is what routing costs.
 */
export function framingApp(response: unknown): Hono {
  return new Hono().post('/v1/route', async (c) => {
    RouteRequestSchema.parse(await c.req.json());
    return c.json(response);
  });
}
