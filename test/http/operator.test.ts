import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, type Deps } from '../../src/cli/bootstrap.js';
import { createApp } from '../../src/server/app.js';
import { AddReferenceResponseSchema, RebuildResponseSchema } from '../../src/server/routes/admin.js';
import { ProblemSchema, RouteResponseSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const TOKEN = 'test-admin-token-0123456789';
const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

async function start(adminToken?: string) {
  const { dir, cleanup } = tempDir();
  const deps: Deps = await startLexical(fixtureConfig(dir, adminToken ? { admin: { token: adminToken } } : {}));
  running.push(() => (deps.close(), cleanup()));
  const app = createApp(appDepsOf(deps, silentLogger()));
  const call = (method: string, path: string, body?: unknown, token?: string) =>
    app.request(path, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  return { deps, app, call };
}

describe('admin endpoints', () => {
  it('do not exist without a configured token', async () => {
    const { call } = await start();
    const res = await call('POST', '/v1/admin/rebuild', {}, TOKEN);
    expect(res.status).toBe(404);
  });

  it('refuse requests without the right token with 401', async () => {
    const { call } = await start(TOKEN);
    for (const token of [undefined, 'wrong', `${TOKEN}x`]) {
      const res = await call('POST', '/v1/admin/rebuild', {}, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(ProblemSchema.parse(await res.json()).code).toBe('UNAUTHORIZED');
    }
  });

  it('add and remove references that the next route sees, and rebuild', async () => {
    const { call, deps } = await start(TOKEN);
    const prompt = 'Compose a limerick about a sleepy cat';
    const added = await call('POST', '/v1/admin/references', { prompt, intent: 'poetry', records: { small: { wins: 9, losses: 1 } } }, TOKEN);
    expect(added.status).toBe(201);
    const { id } = AddReferenceResponseSchema.parse(await added.json());
    const routed = RouteResponseSchema.parse(await (await call('POST', '/v1/route', { prompt, explain: true })).json());
    expect(routed.neighbors?.[0]?.id).toBe(id);
    expect(routed.intent).toBe('poetry');
    expect((await call('DELETE', `/v1/admin/references/${id}`, undefined, TOKEN)).status).toBe(204);
    expect((await call('DELETE', `/v1/admin/references/${id}`, undefined, TOKEN)).status).toBe(404);
    const after = RouteResponseSchema.parse(await (await call('POST', '/v1/route', { prompt, explain: true })).json());
    expect(after.neighbors?.map((n) => n.id)).not.toContain(id);
    const rebuilt = RebuildResponseSchema.parse(await (await call('POST', '/v1/admin/rebuild', {}, TOKEN)).json());
    expect(rebuilt.references).toBe(deps.references.count());
  });
});

describe('metrics and OpenAPI', () => {
  it('serves Prometheus text with decisions, coverage, outcomes and latency by stage', async () => {
    const { call, app } = await start();
    const d = RouteResponseSchema.parse(await (await call('POST', '/v1/route', { prompt: 'Write a Python function that reverses a string' })).json());
    await call('POST', '/v1/outcomes', { decisionId: d.decisionId, model: 'small', outcome: { success: true } });
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain(`semroute_decisions_total{model="${d.model}",reason="${d.reason}"} 1`);
    expect(text).toContain('semroute_decisions_coverage_total{covered="true"} 1');
    expect(text).toContain('semroute_outcomes_total{model="small",result="success"} 1');
    expect(text).toMatch(/semroute_route_duration_seconds_bucket\{le="[^"]+",stage="embed"\}/);
    expect(text).toMatch(/semroute_route_duration_seconds_count\{stage="search"\} 1/);
    // Every sample line parses as "name{labels} value".
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{.*\})? ([-+\d.eE]+|NaN|[+-]Inf)$/i);
  });

  it('serves the embedding pool\'s figures: a repeated prompt counts one cache miss, then one hit', async () => {
    const { call, app } = await start();
    const sample = async (series: string) => {
      const value = new RegExp(`^${series} (\\S+)$`, 'm').exec(await (await app.request('/metrics')).text())?.[1];
      expect(value, series).toMatch(/^\d+$/);
      return Number(value);
    };
    const [hits, misses] = [await sample('semroute_embedding_cache_hits_total'), await sample('semroute_embedding_cache_misses_total')];
    for (let i = 0; i < 2; i++) expect((await call('POST', '/v1/route', { prompt: 'A prompt seen twice by the embedding cache' })).status).toBe(200);
    expect(await sample('semroute_embedding_cache_hits_total')).toBe(hits + 1);
    expect(await sample('semroute_embedding_cache_misses_total')).toBe(misses + 1);
    // The lexical embedder runs in-process: no workers, nothing queued.
    expect(await sample('semroute_embedding_workers')).toBe(0);
    expect(await sample('semroute_embedding_queued')).toBe(0);
  });

  it('serves an OpenAPI 3.1 document built from the schemas, and a docs page', async () => {
    const { app } = await start(TOKEN);
    const doc = (await (await app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/route', '/v1/outcomes', '/v1/admin/rebuild']));
    expect(Object.keys(doc.paths['/v1/route']?.['post']?.requestBody?.content['application/json']?.schema.properties ?? {})).toContain('prompt');
    const page = await app.request('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('swagger-ui');
  });
});
