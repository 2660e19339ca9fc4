import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, type Deps } from '../../src/cli/bootstrap.js';
import { createApp } from '../../src/server/app.js';
import { OpenAiErrorSchema } from '../../src/server/chat-schemas.js';
import { ProblemSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const TOKEN = 'test-admin-token-0123456789';
const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

async function start() {
  const { dir, cleanup } = tempDir();
  const deps: Deps = await startLexical(fixtureConfig(dir, { admin: { token: TOKEN } }));
  running.push(() => (deps.close(), cleanup()));
  return createApp(appDepsOf(deps, silentLogger()));
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every property of every schema under `schema`, with its path. A property whose value is an
 * object (or an array of objects) gets its example from its own properties, so only leaves must
 * carry one; every property must carry a description.
 */
function undocumented(schema: unknown, at: string): string[] {
  if (!isObject(schema)) return [];
  const missing: string[] = [];
  const props = isObject(schema['properties']) ? schema['properties'] : {};
  for (const [name, prop] of Object.entries(props)) {
    if (!isObject(prop)) continue;
    const where = `${at}.${name}`;
    if (typeof prop['description'] !== 'string' || prop['description'].length === 0) missing.push(`${where}: description`);
    if (!('example' in prop) && !('examples' in prop) && !hasProperties(prop)) missing.push(`${where}: example`);
    missing.push(...undocumented(prop, where));
  }
  for (const key of ['items', 'additionalProperties'] as const) missing.push(...undocumented(schema[key], `${at}[${key}]`));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((s, i) => missing.push(...undocumented(s, `${at}.${key}[${i}]`)));
  }
  return missing;
}

function hasProperties(schema: Json): boolean {
  if (isObject(schema['properties']) && Object.keys(schema['properties']).length > 0) return true;
  for (const key of ['items', 'additionalProperties'] as const) if (isObject(schema[key]) && hasProperties(schema[key])) return true;
  return ['anyOf', 'oneOf'].some((k) => Array.isArray(schema[k]) && (schema[k] as unknown[]).some((s) => isObject(s) && hasProperties(s)));
}

/** Hono's `/v1/decisions/:id` is OpenAPI's `/v1/decisions/{id}`. */
const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

describe('/openapi.json', () => {
  it('documents every method and path the app serves', async () => {
    const app = await start();
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Json> };
    const served = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(served.length).toBeGreaterThan(10);
    expect([...new Set(served)].filter((s) => !documented.includes(s))).toEqual([]);
    expect(documented.filter((d) => !served.includes(d))).toEqual([]);
  });

  it('gives every field a description and an example, in bodies, responses and parameters', async () => {
    const app = await start();
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, Json>> };
    const missing: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const at = `${method.toUpperCase()} ${p}`;
        for (const param of (op['parameters'] ?? []) as Json[]) {
          if (typeof param['description'] !== 'string') missing.push(`${at} ?${String(param['name'])}: description`);
          if (!('example' in param) || param['example'] === undefined) missing.push(`${at} ?${String(param['name'])}: example`);
        }
        const body = op['requestBody'] as { content: Record<string, { schema: unknown }> } | undefined;
        for (const c of Object.values(body?.content ?? {})) missing.push(...undocumented(c.schema, `${at} body`));
        for (const [status, r] of Object.entries(op['responses'] as Record<string, { content?: Record<string, { schema: unknown }> }>)) {
          for (const c of Object.values(r.content ?? {})) missing.push(...undocumented(c.schema, `${at} ${status}`));
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents the duplicate outcome (200) beside the new one (201), and bearer security where it applies', async () => {
    const app = await start();
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, Json>>; components: { securitySchemes: Json } };
    const outcomes = doc.paths['/v1/outcomes']?.['post']?.['responses'] as Json;
    expect(Object.keys(outcomes)).toEqual(expect.arrayContaining(['200', '201']));
    expect(JSON.stringify(outcomes['200'])).toContain('Duplicate');
    expect(doc.components.securitySchemes).toMatchObject({ admin: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'http', scheme: 'bearer' } });
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        const security = JSON.stringify(op['security'] ?? null);
        if (p.startsWith('/v1/admin/')) expect(security).toBe('[{"admin":[]}]');
        else if (p === '/v1/chat/completions') expect(security).toContain('apiKey');
        else expect(security).toBe('null');
      }
    }
  });
});

describe('root and wrong methods', () => {
  it('redirects / to /docs', async () => {
    const app = await start();
    const res = await app.request('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/docs');
  });

  it('answers a wrong method on a known path with 405, an Allow header and problem+json', async () => {
    const app = await start();
    for (const [method, p, allow] of [
      ['GET', '/v1/route', 'POST'],
      ['DELETE', '/v1/outcomes', 'POST'],
      ['POST', '/v1/decisions/abc', 'GET, HEAD'],
      ['PUT', '/v1/admin/references/3', 'DELETE, GET, HEAD'],
    ] as const) {
      const res = await app.request(p, { method, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status, `${method} ${p}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(ProblemSchema.parse(await res.json()).code).toBe('METHOD_NOT_ALLOWED');
    }
    const missing = await app.request('/v1/nothing-here');
    expect(missing.status).toBe(404);
  });

  it('answers a wrong method on the OpenAI-compatible path in OpenAI’s error shape', async () => {
    const app = await start();
    const res = await app.request('/v1/chat/completions');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(OpenAiErrorSchema.parse(await res.json()).error.code).toBe('method_not_allowed');
  });
});

describe('/docs', () => {
  it('serves Swagger UI and its assets from our own server only', async () => {
    const app = await start();
    const page = await (await app.request('/docs')).text();
    const urls = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) {
      expect(url).not.toMatch(/^(https?:)?\/\//);
      const res = await app.request(`/${url}`);
      expect(res.status, url).toBe(200);
      expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
    expect((await app.request('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
