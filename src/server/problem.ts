import type { Context, ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorCode } from '../shared/errors.js';
import type { AppEnv } from './env.js';
import { isOpenAiPath, openAiErrorResponse } from './openai-errors.js';

/** The only place that knows HTTP statuses. */
const STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  NO_ELIGIBLE_MODEL: 422,
  BUDGET_EXHAUSTED: 429,
  RATE_LIMITED: 429,
  UPSTREAM_FAILED: 502,
  INDEX_NOT_READY: 503,
  MODEL_NOT_READY: 503,
  EMBEDDER_UNAVAILABLE: 503,
  STORE_BUSY: 503,
  INDEX_REBUILD_FAILED: 500,
  CONFIG_INVALID: 500,
  DIMENSION_MISMATCH: 500,
  INTERNAL: 500,
} satisfies Record<ErrorCode, ContentfulStatusCode>;

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code];
}

/** Codes whose message we wrote ourselves and that help the caller, even on a 5xx. */
const OWN_DETAIL: ReadonlySet<ErrorCode> = new Set(['UPSTREAM_FAILED', 'INDEX_NOT_READY', 'MODEL_NOT_READY', 'EMBEDDER_UNAVAILABLE', 'STORE_BUSY', 'INDEX_REBUILD_FAILED']);

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 2;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details; `code` repeats the title in a stable machine form. */
export function problemResponse(c: Context<AppEnv>, error: AppError): Response {
  const status = STATUS[error.code];
  const body = {
    type: `urn:semroute:error:${error.code.toLowerCase()}`,
    title: error.code,
    code: error.code,
    status,
    // Never echo internal messages: they may carry paths, SQL or secrets. 502 and 503 details are ours.
    detail: status >= 500 && !OWN_DETAIL.has(error.code) ? 'Internal error' : error.message,
    instance: c.get('requestId'),
    ...(error.details ? { errors: error.details } : {}),
  };
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  // A 503 is temporary (starting up, a worker being replaced): say when to come back.
  if (status === 503) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  return c.body(JSON.stringify(body), status, headers);
}

export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const error = err instanceof AppError ? err : new AppError('INTERNAL', 'Unexpected error', undefined, { cause: err });
  const event = c.get('event');
  if (event) event['error'] = { code: error.code, message: error.message };
  if (STATUS[error.code] >= 500) c.get('logger')?.error({ err, requestId: c.get('requestId') }, 'request failed');
  // OpenAI-compatible endpoints answer in OpenAI's error shape; our own keep problem+json.
  return isOpenAiPath(c.req.path) ? openAiErrorResponse(c, error) : problemResponse(c, error);
};
