import { SESSION_HEADER } from '../../routing/conversation.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { isRecord, RoutingViewSchema } from '../../proxy/chat-request.js';
import type { ChatResult } from '../../proxy/chat-proxy.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { parseWith } from '../validate.js';

export const chatRoutes = (deps: AppDeps) => {
  // Our keys are fixed at start: hash them once, not on every request.
  const keyDigests = [...deps.proxyKeys].map(([name, key]) => [name, sha256(key)] as const);
  return new Hono<AppEnv>().post('/chat/completions', async (c) => {
    const apiKey = callerKey(keyDigests, deps.requireProxyKey, c.req.header('authorization'));
    // The body as parsed, kept whole for the upstream; the view only checks what routing reads.
    const fields = await jsonObject(c.req.raw);
    const view = parseWith(RoutingViewSchema, fields, 'request body');
    const session = c.req.header(SESSION_HEADER);
    const result = await deps.proxy.complete({ relayed: { fields }, view, ...(session ? { session } : {}) }, apiKey, c.req.raw.signal);
    if (result.kind !== 'cancelled') {
      const h = result.headers;
      Object.assign(c.get('event'), { decision_id: h['x-semroute-decision-id'], model: h['x-semroute-model'], fallbacks: h['x-semroute-fallbacks'], api_key: apiKey });
    } else c.get('event')['outcome'] = 'cancelled';
    return toResponse(result);
  });
};

async function jsonObject(request: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new AppError('VALIDATION_FAILED', 'request body must be valid JSON (content-type: application/json)');
  }
  if (!isRecord(body)) throw new AppError('VALIDATION_FAILED', 'request body must be a JSON object');
  return body;
}

function toResponse(result: ChatResult): Response {
  switch (result.kind) {
    case 'stream':
      return new Response(result.body, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...result.headers } });
    case 'upstream_error': {
      const { error } = result;
      const headers: Record<string, string> = { 'content-type': error.contentType, ...result.headers };
      if (error.retryAfter !== undefined) headers['retry-after'] = error.retryAfter;
      return new Response(error.bodyText, { status: error.status, headers });
    }
    case 'json':
      return new Response(JSON.stringify(result.body), { status: result.status, headers: { 'content-type': 'application/json', ...result.headers } });
    case 'cancelled':
      // The client is gone; 499 (nginx's "client closed request") only reaches the wide event.
      return new Response(null, { status: 499 });
  }
}

/** The caller's key name when it presents one of ours; constant-time against every configured key. */
function callerKey(keyDigests: readonly (readonly [string, Buffer])[], required: boolean, header: string | undefined): string | null {
  const given = header?.startsWith('Bearer ') ? header.slice(7) : '';
  const digest = sha256(given);
  let match: string | null = null;
  for (const [name, key] of keyDigests) if (timingSafeEqual(digest, key)) match = name;
  if (match === null && required) throw new AppError('UNAUTHORIZED', 'this endpoint needs one of the configured API keys (Authorization: Bearer …)');
  return match;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
