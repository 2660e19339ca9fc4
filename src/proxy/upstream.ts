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

/**
 * Calls an OpenAI-compatible chat completions endpoint with a timeout. Connection errors,
 * timeouts, 408, 429 and 5xx are worth retrying elsewhere; any other 4xx is the caller's fault and
 * goes back to the caller unchanged.
 */
export async function callUpstream(call: UpstreamCall): Promise<AttemptResult> {
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(call.apiKey ? { authorization: `Bearer ${call.apiKey}` } : {}) },
      body: JSON.stringify(call.body),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { kind: 'retryable', reason: timedOut ? 'timeout' : 'connection error' };
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    await response.body?.cancel();
    return { kind: 'retryable', reason: `upstream answered ${response.status}`, status: response.status };
  }
  if (response.status >= 400) {
    return { kind: 'caller_error', status: response.status, body: await response.text(), contentType: response.headers.get('content-type') ?? 'application/json' };
  }
  if (call.stream) return { kind: 'stream', status: response.status, response };
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'choices' in body) return { kind: 'ok', status: response.status, body: { ...body } };
    return { kind: 'retryable', reason: 'upstream answer is not a chat completion' };
  } catch {
    return { kind: 'retryable', reason: 'upstream answer is not JSON' };
  }
}
