import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ChatResult } from '../../proxy/chat-proxy.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { ChatMessage } from '../schemas.js';
import { parseJsonBody } from '../validate.js';
import { promptOf } from './route.js';

/** OpenAI's chat completion request: what we read is checked; everything else passes through untouched. */
export const ChatCompletionRequestSchema = z.looseObject({
  /** `router`, `router:quality|balanced|cheap`, or a catalog model id. */
  model: z.string().min(1).max(200),
  messages: z.array(ChatMessage).min(1).max(2000),
  stream: z.boolean().optional(),
  response_format: z.unknown().optional(),
  /** Ours: retry once on a stronger model on low confidence or a failed answer check. */
  router_escalate: z.boolean().optional(),
});

export const chatRoutes = (deps: AppDeps) => {
  // Our keys are fixed at start: hash them once, not on every request.
  const keyDigests = [...deps.proxyKeys].map(([name, key]) => [name, sha256(key)] as const);
  return new Hono<AppEnv>().post('/chat/completions', async (c) => {
    const apiKey = callerKey(keyDigests, deps.requireProxyKey, c.req.header('authorization'));
    const body = await parseJsonBody(c, ChatCompletionRequestSchema);
    const result = await deps.proxy.complete(body, apiKey, promptOf({ messages: body.messages }));
    Object.assign(c.get('event'), { decision_id: result.headers['x-semroute-decision-id'], model: result.headers['x-semroute-model'], fallbacks: result.headers['x-semroute-fallbacks'], api_key: apiKey });
    return toResponse(result);
  });
};

function toResponse(result: ChatResult): Response {
  if (result.kind === 'stream') {
    return new Response(result.body, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...result.headers } });
  }
  if (result.kind === 'raw') return new Response(result.body, { status: result.status, headers: { 'content-type': result.contentType, ...result.headers } });
  return new Response(JSON.stringify(result.body), { status: result.status, headers: { 'content-type': 'application/json', ...result.headers } });
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
