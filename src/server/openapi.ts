import { z } from 'zod';
import { CoverageReportSchema } from '../coverage/report-schema.js';
import { ChatCompletionRequestSchema, ChatCompletionResponseSchema, ModelsResponseSchema, OpenAiErrorSchema } from './chat-schemas.js';
import { DecisionResponseSchema, OutcomeRequestSchema, OutcomeResponseSchema } from './outcome-schemas.js';
import { AddReferenceResponseSchema, AddReferenceSchema, RebuildResponseSchema, ReferenceListQuerySchema, ReferenceListResponseSchema, StoredReferenceSchema } from './admin-schemas.js';
import { CoverageQuerySchema } from './routes/coverage.js';
import { HealthResponseSchema, ProblemSchema, ReadyResponseSchema, RouteRequestSchema, RouteResponseSchema } from './schemas.js';

/*
 * The API reference, generated from the zod schemas that validate requests and shape responses.
 * To document a new endpoint, add an Operation below; give every field of its schemas
 * `.meta({ description, example })` (`examples: [...]` works too, except on a transform: zod leaves
 * `examples` out of input schemas there). test/http/openapi.test.ts fails when a path the app
 * serves is missing here or a field lacks a description or an example.
 */

interface Reply {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Default application/json. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, { description: string; example: string }>>;
}

export interface Operation {
  readonly method: 'get' | 'post' | 'delete';
  /** OpenAPI form: `{id}`, not `:id`. */
  readonly path: string;
  readonly tag: 'routing' | 'proxy' | 'operations' | 'admin' | 'docs';
  readonly summary: string;
  readonly description?: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly request?: z.ZodType;
  readonly responses: Readonly<Record<number, Reply>>;
  /** `admin`: ROUTER_ADMIN_TOKEN; `apiKey`: the proxy's own API keys. */
  readonly security?: 'admin' | 'apiKey';
  /** OpenAI-compatible paths answer errors in OpenAI's shape; ours in problem+json. */
  readonly errors?: 'problem' | 'openai';
}

const DecisionIdParams = z.object({ id: z.string().meta({ description: 'Decision id (from POST /v1/route or the x-semroute-decision-id header).', example: 'd_01JD8Z6Q4V3K9N2M7T5R8X1Y0B' }) });
const DocsAssetParams = z.object({ file: z.string().meta({ description: 'File name.', example: 'swagger-ui.css' }) });
const ReferenceIdParams = z.object({ id: z.string().meta({ description: 'Reference id (a positive integer).', example: '42' }) });

/** Every path the app serves, described once; /openapi.json and /docs are built from it. */
export const OPERATIONS: readonly Operation[] = [
  { method: 'post', path: '/v1/route', tag: 'routing', summary: 'Choose a model for a prompt', request: RouteRequestSchema, responses: { 200: { description: 'The decision', schema: RouteResponseSchema } } },
  {
    method: 'post',
    path: '/v1/outcomes',
    tag: 'routing',
    summary: 'Report how a model did; updates the records',
    description: 'Send the same idempotency key (body or Idempotency-Key header) when retrying: the outcome is counted once.',
    request: OutcomeRequestSchema,
    responses: {
      201: { description: 'Stored and learned', schema: OutcomeResponseSchema },
      200: { description: 'Duplicate: this idempotency key was seen before; the original outcome’s answer, nothing counted again', schema: OutcomeResponseSchema },
    },
  },
  { method: 'get', path: '/v1/decisions/{id}', tag: 'routing', summary: 'A stored decision with its evidence and outcomes', params: DecisionIdParams, responses: { 200: { description: 'The decision', schema: DecisionResponseSchema } } },
  { method: 'get', path: '/v1/models', tag: 'proxy', summary: "The router strategies and the catalog, in OpenAI's shape (semroute's fields under `semroute`)", responses: { 200: { description: 'The catalog', schema: ModelsResponseSchema } }, errors: 'openai' },
  {
    method: 'post',
    path: '/v1/chat/completions',
    tag: 'proxy',
    summary: 'OpenAI-compatible chat completions: routed, forwarded untouched except model',
    description: 'Routes the conversation, calls the chosen model’s upstream and returns its answer. `stream: true` answers with server-sent events.',
    request: ChatCompletionRequestSchema,
    responses: {
      200: {
        description: 'The upstream’s answer (JSON, or text/event-stream when streaming)',
        schema: ChatCompletionResponseSchema,
        headers: {
          'x-semroute-decision-id': { description: 'The routing decision; give it to POST /v1/outcomes.', example: 'd_01JD8Z6Q4V3K9N2M7T5R8X1Y0B' },
          'x-semroute-model': { description: 'The model that answered.', example: 'gpt-5-mini' },
        },
      },
    },
    security: 'apiKey',
    errors: 'openai',
  },
  { method: 'get', path: '/v1/coverage', tag: 'operations', summary: 'Coverage report: uncovered traffic as candidate intents', query: CoverageQuerySchema, responses: { 200: { description: 'The report', schema: CoverageReportSchema } } },
  { method: 'get', path: '/healthz', tag: 'operations', summary: 'Liveness', responses: { 200: { description: 'Alive', schema: HealthResponseSchema } } },
  { method: 'get', path: '/readyz', tag: 'operations', summary: 'Readiness: active embedder, index and reference counts', responses: { 200: { description: 'Ready', schema: ReadyResponseSchema } } },
  { method: 'get', path: '/metrics', tag: 'operations', summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } } },
  { method: 'post', path: '/v1/admin/references', tag: 'admin', summary: 'Add or re-post a reference prompt', request: AddReferenceSchema, responses: { 201: { description: 'Created', schema: AddReferenceResponseSchema }, 200: { description: 'The same prompt was already stored; updated', schema: AddReferenceResponseSchema } }, security: 'admin' },
  { method: 'get', path: '/v1/admin/references', tag: 'admin', summary: 'List reference prompts (paged by id; filter by intent and set)', query: ReferenceListQuerySchema, responses: { 200: { description: 'A page of references', schema: ReferenceListResponseSchema } }, security: 'admin' },
  { method: 'get', path: '/v1/admin/references/{id}', tag: 'admin', summary: 'One reference prompt with its live and seed records', params: ReferenceIdParams, responses: { 200: { description: 'The reference', schema: StoredReferenceSchema } }, security: 'admin' },
  { method: 'delete', path: '/v1/admin/references/{id}', tag: 'admin', summary: 'Remove a reference prompt', params: ReferenceIdParams, responses: { 204: { description: 'Removed' } }, security: 'admin' },
  { method: 'post', path: '/v1/admin/rebuild', tag: 'admin', summary: 'Rebuild records and the index from SQLite', responses: { 200: { description: 'Rebuilt', schema: RebuildResponseSchema } }, security: 'admin' },
  { method: 'get', path: '/openapi.json', tag: 'docs', summary: 'This document (OpenAPI 3.1)', responses: { 200: { description: 'The OpenAPI document' } } },
  { method: 'get', path: '/docs', tag: 'docs', summary: 'The API reference, rendered (Swagger UI, served locally)', responses: { 200: { description: 'HTML page', contentType: 'text/html' } } },
  { method: 'get', path: '/docs/assets/{file}', tag: 'docs', summary: 'A file of the docs UI (Swagger UI’s script and stylesheet, from our node_modules)', params: DocsAssetParams, responses: { 200: { description: 'The file', contentType: 'application/octet-stream' }, 404: { description: 'Not one of the UI’s files' } } },
  { method: 'get', path: '/', tag: 'docs', summary: 'Redirects to /docs', responses: { 302: { description: 'Location: /docs' } } },
];

function jsonSchema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' });
  return rest;
}

/** Path and query parameters from a zod object: one parameter per property, with its description and example. */
function parameters(op: Operation): unknown[] {
  const out: unknown[] = [];
  for (const [where, s] of [['path', op.params], ['query', op.query]] as const) {
    if (!s) continue;
    const js = jsonSchema(s, 'input');
    const props = (js['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((js['required'] ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      // A Parameter Object takes one `example`; JSON Schema's `examples` is a list.
      const example = prop['example'] ?? (Array.isArray(prop['examples']) ? prop['examples'][0] : undefined);
      out.push({ name, in: where, required: where === 'path' || required.has(name), description: prop['description'], example, schema: prop });
    }
  }
  return out;
}

function responses(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    out[status] = {
      description: r.description,
      ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, v]) => [h, { description: v.description, example: v.example, schema: { type: 'string' } }])) } : {}),
      ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: jsonSchema(r.schema, 'output') } } } : r.contentType ? { content: { [r.contentType]: { schema: { type: 'string' } } } } : {}),
    };
  }
  const error = op.errors === 'openai'
    ? { description: 'Error in OpenAI’s shape', content: { 'application/json': { schema: jsonSchema(OpenAiErrorSchema, 'output') } } }
    : { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: jsonSchema(ProblemSchema, 'output') } } };
  if (op.security) out['401'] = { ...error, description: `Missing or wrong bearer token. ${error.description}` };
  if (op.tag !== 'docs') Object.assign(out, { '4XX': error, '5XX': error });
  return out;
}

const SECURITY_SCHEMES = {
  admin: { type: 'http', scheme: 'bearer', description: 'ROUTER_ADMIN_TOKEN. Admin endpoints exist only when it is set.' },
  apiKey: { type: 'http', scheme: 'bearer', description: 'One of the proxy’s API keys (proxy.apiKeys); required only when proxy.requireApiKey is on.' },
} as const;

/** OpenAPI 3.1, generated from the same zod schemas that validate requests and responses. */
export function openApiDocument(options: { adminEnabled: boolean; apiKeyRequired: boolean; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS.filter((o) => options.adminEnabled || o.security !== 'admin')) {
    const params = parameters(op);
    // An optional API key is "bearer or nothing": the empty requirement says anonymous calls are allowed.
    const security = op.security === 'admin' ? [{ admin: [] }] : op.security === 'apiKey' ? (options.apiKeyRequired ? [{ apiKey: [] }] : [{ apiKey: [] }, {}]) : undefined;
    (paths[op.path] ??= {})[op.method] = {
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      ...(security ? { security } : {}),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(op.request ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.request, 'input') } } } } : {}),
      responses: responses(op),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'semroute', version: options.version, description: 'A local, explainable semantic LLM router. Our endpoints answer errors as application/problem+json; /v1/chat/completions in OpenAI’s error shape.' },
    tags: [
      { name: 'routing', description: 'Decisions and the outcomes that teach the router' },
      { name: 'proxy', description: 'The OpenAI-compatible front door' },
      { name: 'operations', description: 'Health, readiness, metrics and coverage' },
      { name: 'admin', description: 'Changes to the reference set (bearer token)' },
      { name: 'docs', description: 'This reference' },
    ],
    paths,
    components: { securitySchemes: options.adminEnabled ? SECURITY_SCHEMES : { apiKey: SECURITY_SCHEMES.apiKey } },
  };
}
