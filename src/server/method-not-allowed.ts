import type { Context } from 'hono';
import { AppError } from '../shared/errors.js';
import type { AppEnv } from './env.js';
import { onError } from './problem.js';

interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

/** Path pattern (Hono syntax: `/v1/decisions/:id`) → the methods served there. Middleware (`ALL`) is not a route. */
export function methodTable(routes: readonly RouteEntry[]): readonly { pattern: RegExp; methods: readonly string[] }[] {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    if (r.method === 'ALL') continue;
    const methods = byPath.get(r.path) ?? new Set<string>();
    methods.add(r.method);
    // Hono answers HEAD wherever it answers GET.
    if (r.method === 'GET') methods.add('HEAD');
    byPath.set(r.path, methods);
  }
  return [...byPath].map(([p, methods]) => ({ pattern: toRegExp(p), methods: [...methods].sort() }));
}

function toRegExp(honoPath: string): RegExp {
  const source = honoPath
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The not-found handler: a path we serve, asked with another method, is a 405 with an Allow header
 * (RFC 9110 §15.5.6); anything else is a 404. onError picks problem+json or OpenAI's shape by path.
 */
export function notFoundOrMethodNotAllowed(c: Context<AppEnv>, table: () => ReturnType<typeof methodTable>): Response | Promise<Response> {
  const { method, path } = c.req;
  const allowed = [...new Set(table().filter((t) => t.pattern.test(path)).flatMap((t) => t.methods))].sort();
  if (allowed.length === 0) return onError(new AppError('NOT_FOUND', `no route for ${method} ${path}`), c);
  c.header('Allow', allowed.join(', '));
  return onError(new AppError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`), c);
}
