import { Readable } from 'node:stream';
import { Agent, errors, request } from 'undici';

/** One attempt's outcome, classified for the retry/fallback logic. */
export type AttemptResult =
  | { readonly kind: 'ok'; readonly status: number; readonly body: Record<string, unknown> }
  | { readonly kind: 'stream'; readonly status: number; readonly response: Response }
  | { readonly kind: 'retryable'; readonly reason: string; readonly status?: number }
  | { readonly kind: 'caller_error'; readonly status: number; readonly body: string; readonly contentType: string };

export interface UpstreamCall {
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly body: Record<string, unknown>;
  readonly timeoutMs: number;
  readonly stream: boolean;
}

/** Keep-alive connections to every upstream; undici's request() costs a fraction of fetch() per call. */
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

/**
 * Calls an OpenAI-compatible chat completions endpoint with a timeout. Connection errors,
 * timeouts, 408, 429 and 5xx are worth retrying elsewhere; any other 4xx is the caller's fault and
 * goes back to the caller unchanged. The only module that imports undici.
 */
export async function callUpstream(call: UpstreamCall): Promise<AttemptResult> {
  // A plain timer, cleared when the answer is in: AbortSignal.timeout() costs more than the rest of the call.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), call.timeoutMs).unref();
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(call.url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...(call.apiKey ? { authorization: `Bearer ${call.apiKey}` } : {}) },
      body: JSON.stringify(call.body),
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
      signal: abort.signal,
    });
  } catch (error) {
    clearTimeout(timer);
    const timedOut = abort.signal.aborted || error instanceof errors.HeadersTimeoutError || (error instanceof Error && error.name === 'TimeoutError');
    return { kind: 'retryable', reason: timedOut ? 'timeout' : 'connection error' };
  }
  if (call.stream && response.statusCode < 400) {
    // The deadline covers the whole stream: the timer stops when the body ends, fails or is cancelled.
    response.body.once('close', () => clearTimeout(timer));
  } else {
    try {
      return await readAnswer(response);
    } finally {
      clearTimeout(timer);
    }
  }
  const web = Readable.toWeb(response.body) as ReadableStream<Uint8Array>;
  const contentType = String(response.headers['content-type'] ?? 'application/json');
  return { kind: 'stream', status: response.statusCode, response: new Response(web, { status: response.statusCode, headers: { 'content-type': contentType } }) };
}

async function readAnswer(response: Awaited<ReturnType<typeof request>>): Promise<AttemptResult> {
  const status = response.statusCode;
  const contentType = String(response.headers['content-type'] ?? 'application/json');
  if (status === 408 || status === 429 || status >= 500) {
    await response.body.dump();
    return { kind: 'retryable', reason: `upstream answered ${status}`, status };
  }
  if (status >= 400) return { kind: 'caller_error', status, body: await response.body.text(), contentType };
  try {
    const body: unknown = await response.body.json();
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'choices' in body) return { kind: 'ok', status, body: { ...body } };
    return { kind: 'retryable', reason: 'upstream answer is not a chat completion' };
  } catch {
    return { kind: 'retryable', reason: 'upstream answer is not JSON' };
  }
}
