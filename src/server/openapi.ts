import { z } from 'zod';
import { ChatCompletionRequestSchema, ModelsResponseSchema } from './chat-schemas.js';
import { DecisionResponseSchema, OutcomeRequestSchema, OutcomeResponseSchema } from './outcome-schemas.js';
import { AddReferenceResponseSchema, AddReferenceSchema, RebuildResponseSchema, ReferenceListResponseSchema, StoredReferenceSchema } from './admin-schemas.js';
import { ProblemSchema, ReadyResponseSchema, RouteRequestSchema, RouteResponseSchema } from './schemas.js';

interface Operation {
  readonly method: 'get' | 'post' | 'delete';
  readonly path: string;
  readonly summary: string;
  readonly request?: z.ZodType;
  readonly response?: z.ZodType;
  readonly status?: number;
  readonly admin?: boolean;
}

/** Every public operation, described once; the OpenAPI document and the docs page are built from it. */
export const OPERATIONS: readonly Operation[] = [
  { method: 'post', path: '/v1/route', summary: 'Choose a model for a prompt', request: RouteRequestSchema, response: RouteResponseSchema },
  { method: 'post', path: '/v1/outcomes', summary: 'Report how a model did; updates the records', request: OutcomeRequestSchema, response: OutcomeResponseSchema, status: 201 },
  { method: 'get', path: '/v1/decisions/{id}', summary: 'A stored decision with its evidence and outcomes', response: DecisionResponseSchema },
  { method: 'get', path: '/v1/models', summary: "The router strategies and the catalog, in OpenAI's shape (semroute's fields under `semroute`)", response: ModelsResponseSchema },
  { method: 'post', path: '/v1/chat/completions', summary: 'OpenAI-compatible chat completions: routed, forwarded untouched except model', request: ChatCompletionRequestSchema },
  { method: 'get', path: '/healthz', summary: 'Liveness' },
  { method: 'get', path: '/readyz', summary: 'Readiness: active embedder, index and reference counts', response: ReadyResponseSchema },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (text format)' },
  { method: 'post', path: '/v1/admin/references', summary: 'Add a reference prompt', request: AddReferenceSchema, response: AddReferenceResponseSchema, status: 201, admin: true },
  { method: 'get', path: '/v1/admin/references', summary: 'List reference prompts (paged by id; filter by intent and set)', response: ReferenceListResponseSchema, admin: true },
  { method: 'get', path: '/v1/admin/references/{id}', summary: 'One reference prompt with its live and seed records', response: StoredReferenceSchema, admin: true },
  { method: 'delete', path: '/v1/admin/references/{id}', summary: 'Remove a reference prompt', status: 204, admin: true },
  { method: 'post', path: '/v1/admin/rebuild', summary: 'Rebuild records and the index from SQLite', response: RebuildResponseSchema, admin: true },
];

function schema(s: z.ZodType): unknown {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
}

/** OpenAPI 3.1, generated from the same zod schemas that validate requests and responses. */
export function openApiDocument(options: { adminEnabled: boolean; version: string }): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS.filter((o) => options.adminEnabled || !o.admin)) {
    const status = String(op.status ?? 200);
    const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: schema(ProblemSchema) } } };
    const responses = {
      [status]: op.response ? { description: 'OK', content: { 'application/json': { schema: schema(op.response) } } } : { description: 'OK' },
      '4XX': problem,
      '5XX': problem,
    };
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(op.admin ? { security: [{ bearer: [] }] } : {}),
      ...(op.path.includes('{id}') ? { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] } : {}),
      ...(op.request ? { requestBody: { required: true, content: { 'application/json': { schema: schema(op.request) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'semroute', version: options.version, description: 'A local, explainable semantic LLM router.' },
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}

/** A self-contained docs page (no CDN): each operation with its schemas. */
export function docsPage(doc: unknown): string {
  const json = JSON.stringify(doc, null, 2).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>semroute API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h2{margin-top:2rem;font-size:1.05rem}.m{display:inline-block;min-width:4.2rem;font-weight:700;text-transform:uppercase}
details{margin:.3rem 0 .6rem 1rem}pre{background:#f5f5f5;padding:.6rem;overflow:auto;font-size:12px}</style></head>
<body><h1>semroute API</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Errors are <code>application/problem+json</code>.</p>
<div id="ops"></div><script>const doc=${json};const root=document.getElementById('ops');
for(const [path,ops] of Object.entries(doc.paths))for(const [method,op] of Object.entries(ops)){
const h=document.createElement('h2');h.innerHTML='<span class="m">'+method+'</span> <code></code> — ';h.querySelector('code').textContent=path;h.append(op.summary);root.append(h);
const add=(label,obj)=>{if(!obj)return;const d=document.createElement('details');const s=document.createElement('summary');s.textContent=label;const p=document.createElement('pre');p.textContent=JSON.stringify(obj,null,2);d.append(s,p);root.append(d);};
add('request body',op.requestBody?.content['application/json'].schema);
for(const [code,r] of Object.entries(op.responses))add('response '+code,r.content&&Object.values(r.content)[0].schema);}</script></body></html>`;
}
