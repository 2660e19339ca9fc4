import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { classifyHttp, classifyTransport, isTimeout, type Verdict } from './verdict.js';

/** What one upstream call came back with, before any content is judged. */
export type UpstreamReply =
  | { readonly kind: 'json'; readonly status: number; readonly body: Record<string, unknown> }
  | { readonly kind: 'stream'; readonly status: number; readonly body: Readable }
  | { readonly kind: 'failed'; readonly verdict: Verdict; readonly error?: UpstreamError };

/** A non-2xx answer, kept whole so it can go back to the caller as the upstream sent it. */
export interface UpstreamError {
  readonly status: number;
  readonly bodyText: string;
  readonly contentType: string;
  readonly retryAfter: string | undefined;
}

export interface UpstreamCall {
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly body: Record<string, unknown>;
  /** Longest wait for the first byte and between two chunks (never the stream's total length). */
  readonly timeoutMs: number;
  readonly stream: boolean;
  /** The client's request: aborting it aborts the upstream call. */
  readonly signal?: AbortSignal;
}

/** Error bodies are read up to this size; what comes after is cut. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Keep-alive connections to every upstream; undici's request() costs a fraction of fetch() per call. */
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

/**
 * Calls an OpenAI-compatible chat completions endpoint. The timeout bounds the wait for the
 * headers and each gap between body chunks (undici's headersTimeout and bodyTimeout), so a healthy
 * stream runs as long as it keeps producing. The only module that imports undici.
 */
export async function callUpstream(call: UpstreamCall): Promise<UpstreamReply> {
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(call.url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...(call.apiKey ? { authorization: `Bearer ${call.apiKey}` } : {}) },
      body: JSON.stringify(call.body),
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
      ...(call.signal ? { signal: call.signal } : {}),
    });
  } catch (error) {
    return { kind: 'failed', verdict: classifyTransport(error, call.signal?.aborted === true) };
  }
  // A body that errors while nobody reads it must not become an uncaught 'error' event.
  response.body.on('error', ignore);
  const status = response.statusCode;
  if (status >= 300) return { kind: 'failed', ...(await errorReply(response)) };
  if (call.stream) return { kind: 'stream', status, body: response.body };
  try {
    const body: unknown = await response.body.json();
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'choices' in body) return { kind: 'json', status, body: { ...body } };
    return { kind: 'failed', verdict: { kind: 'transient', reason: 'upstream answer is not a chat completion' } };
  } catch (error) {
    if (call.signal?.aborted) return { kind: 'failed', verdict: { kind: 'cancelled' } };
    return { kind: 'failed', verdict: isTimeout(error) ? { kind: 'transient', reason: 'timeout' } : { kind: 'transient', reason: 'upstream answer is not JSON' } };
  }
}

async function errorReply(response: Awaited<ReturnType<typeof request>>): Promise<{ verdict: Verdict; error: UpstreamError }> {
  const bodyText = await boundedText(response.body);
  const retryAfter = response.headers['retry-after'];
  const error: UpstreamError = {
    status: response.statusCode,
    bodyText,
    contentType: String(response.headers['content-type'] ?? 'application/json'),
    retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
  };
  return { verdict: classifyHttp({ status: response.statusCode, headers: response.headers, bodyText }), error };
}

async function boundedText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      size += buffer.length;
      if (size >= MAX_ERROR_BODY_BYTES) break;
    }
  } catch {
    // A broken error body still classifies by its status.
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
}

function ignore(): void {}
