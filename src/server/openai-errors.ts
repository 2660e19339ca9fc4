import type { Context } from 'hono';
import type { ErrorCode } from '../shared/errors.js';
import { AppError } from '../shared/errors.js';
import type { AppEnv } from './env.js';
import { RETRY_AFTER_SECONDS, statusOf } from './problem.js';

/** Paths that speak OpenAI's API: their errors use OpenAI's shape, not problem+json. */
const OPENAI_PATHS = new Set(['/v1/chat/completions', '/v1/models']);

export function isOpenAiPath(path: string): boolean {
  return OPENAI_PATHS.has(path.replace(/\/+$/, ''));
}

/** Our closed error codes in OpenAI's vocabulary (`type` as in OpenAI's API reference, `code` ours). */
const OPENAI_ERROR = {
  VALIDATION_FAILED: { type: 'invalid_request_error', code: 'invalid_request' },
  NOT_FOUND: { type: 'invalid_request_error', code: 'not_found' },
  METHOD_NOT_ALLOWED: { type: 'invalid_request_error', code: 'method_not_allowed' },
  CONFLICT: { type: 'invalid_request_error', code: 'conflict' },
  PAYLOAD_TOO_LARGE: { type: 'invalid_request_error', code: 'payload_too_large' },
  UNAUTHORIZED: { type: 'authentication_error', code: 'invalid_api_key' },
  NO_ELIGIBLE_MODEL: { type: 'invalid_request_error', code: 'no_eligible_model' },
  BUDGET_EXHAUSTED: { type: 'insufficient_quota', code: 'budget_exhausted' },
  RATE_LIMITED: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  UPSTREAM_FAILED: { type: 'upstream_error', code: 'upstream_failed' },
  INDEX_NOT_READY: { type: 'server_error', code: 'not_ready' },
  MODEL_NOT_READY: { type: 'server_error', code: 'not_ready' },
  EMBEDDER_UNAVAILABLE: { type: 'server_error', code: 'not_ready' },
  STORE_BUSY: { type: 'server_error', code: 'store_busy' },
  INDEX_REBUILD_FAILED: { type: 'server_error', code: 'index_rebuild_failed' },
  DIMENSION_MISMATCH: { type: 'server_error', code: 'internal_error' },
  CONFIG_INVALID: { type: 'server_error', code: 'internal_error' },
  INTERNAL: { type: 'server_error', code: 'internal_error' },
} as const satisfies Record<ErrorCode, { type: string; code: string }>;

/**
 * `{"error": {"message", "type", "code", "param"}}` as application/json, the shape OpenAI's SDKs
 * read (they show `message`). `param` is the first invalid field's path, when there is one. An
 * error with `retryAfterSeconds` sets Retry-After.
 */
export function openAiErrorResponse(c: Context<AppEnv>, error: AppError): Response {
  const status = statusOf(error.code);
  const { type, code } = OPENAI_ERROR[error.code];
  const internal = status >= 500 && error.code !== 'UPSTREAM_FAILED' && error.code !== 'INDEX_NOT_READY' && error.code !== 'MODEL_NOT_READY' && error.code !== 'EMBEDDER_UNAVAILABLE';
  const body = { error: { message: internal ? `Internal error (request ${c.get('requestId')})` : error.message, type, code, param: error.details?.[0]?.path ?? null } };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if ('retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number') headers['retry-after'] = String(error.retryAfterSeconds);
  else if (status === 503) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  return c.body(JSON.stringify(body), status, headers);
}
