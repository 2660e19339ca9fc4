/**
 * The front door's error taxonomy: every upstream result becomes one value of a closed set, in this
 * module only. The attempt loop (chat-proxy.ts) acts on the value and nothing else, and README's
 * table is VERDICT_TABLE below.
 */
export type Verdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'retry_after'; readonly ms: number }
  | { readonly kind: 'transient'; readonly reason: string }
  | { readonly kind: 'deployment_fault'; readonly status: number }
  | { readonly kind: 'caller_fault'; readonly status: number }
  | { readonly kind: 'context_too_long' }
  | { readonly kind: 'stream_failed_before_content'; readonly reason: string }
  | { readonly kind: 'stream_broken'; readonly reason: string }
  | { readonly kind: 'cancelled' };
export type VerdictKind = Verdict['kind'];

export interface VerdictRule {
  /** What the upstream did. */
  readonly when: string;
  /** For `model: "router"` / `router:*`. */
  readonly routed: string;
  /** For a concrete catalog model the caller named. */
  readonly named: string;
  /** Counts toward the model's cooldown (circuit breaker). Never a quality loss in the win records. */
  readonly cooldown: boolean;
}

/** What each verdict means and what the attempt loop does with it; README renders this table. */
export const VERDICT_TABLE = {
  ok: { when: '2xx chat completion; for streams, the first event carrying content', routed: 'answer', named: 'answer', cooldown: false },
  retry_after: {
    when: '429 or 503 with `Retry-After` / `retry-after-ms`',
    routed: 'no call to that model until it elapses (cooldown at least as long); next model',
    named: "the upstream's 429/503 as-is (with its Retry-After)",
    cooldown: true,
  },
  transient: {
    when: 'connection error, timeout (first byte or gap between chunks), 408, 409, 429/503 without Retry-After, other 5xx, a 2xx that is not a chat completion',
    routed: 'retry the same model (`proxy.retries`, exponential backoff), then next model',
    named: 'retry, then 502 `upstream_error`',
    cooldown: true,
  },
  deployment_fault: { when: '401, 403, 404 (revoked key, retired model)', routed: 'next model', named: "the upstream's 4xx as-is", cooldown: true },
  caller_fault: { when: 'any other 4xx (e.g. an invalid tool schema)', routed: "the upstream's 4xx as-is", named: "the upstream's 4xx as-is", cooldown: false },
  context_too_long: {
    when: '400 with code `context_length_exceeded`',
    routed: 'next model with a larger context window; none left: the 400 as-is',
    named: "the upstream's 400 as-is",
    cooldown: false,
  },
  stream_failed_before_content: {
    when: 'a stream that opens with an error event, ends, breaks or times out before any content',
    routed: 'next model (nothing was sent to the client yet)',
    named: '502 `upstream_error`',
    cooldown: true,
  },
  stream_broken: {
    when: 'a stream that breaks, times out or sends an error event after content went out',
    routed: 'the client stream ends with an OpenAI error event',
    named: 'the client stream ends with an OpenAI error event',
    cooldown: true,
  },
  cancelled: { when: 'the client hung up', routed: 'upstream aborted; one neutral `cancelled` attempt', named: 'upstream aborted; one neutral `cancelled` attempt', cooldown: false },
} as const satisfies Record<VerdictKind, VerdictRule>;

/** Retry-After we accept at most (a misconfigured upstream must not hold a model for a day). */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export interface HttpResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The error body's text (bounded by the caller), for non-2xx statuses. */
  readonly bodyText: string;
}

/** Classifies a non-2xx upstream answer. */
export function classifyHttp(result: HttpResult): Verdict {
  const { status } = result;
  if (status === 429 || status === 503) {
    const ms = retryAfterMs(result.headers, Date.now());
    return ms === undefined ? { kind: 'transient', reason: `upstream answered ${status}` } : { kind: 'retry_after', ms };
  }
  if (status === 408 || status === 409 || status >= 500) return { kind: 'transient', reason: `upstream answered ${status}` };
  if (status === 401 || status === 403 || status === 404) return { kind: 'deployment_fault', status };
  if (status === 400 && isContextLengthError(result.bodyText)) return { kind: 'context_too_long' };
  return { kind: 'caller_fault', status };
}

/**
 * Milliseconds from `retry-after-ms` (OpenAI, Azure) or `retry-after` (RFC 9110 §10.2.3: seconds or
 * an HTTP date), capped at ten minutes; undefined when absent or unreadable.
 */
export function retryAfterMs(headers: HttpResult['headers'], now: number): number | undefined {
  const ms = Number(first(headers['retry-after-ms']));
  if (first(headers['retry-after-ms']) !== undefined && Number.isFinite(ms) && ms >= 0) return Math.min(ms, MAX_RETRY_AFTER_MS);
  const raw = first(headers['retry-after'])?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.min(Number(raw) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** A call that got no HTTP answer: the client left (cancelled), or a timeout or connection error. */
export function classifyTransport(error: unknown, clientGone: boolean): Verdict {
  if (clientGone) return { kind: 'cancelled' };
  return { kind: 'transient', reason: isTimeout(error) ? 'timeout' : 'connection error' };
}

/**
 * Judges a 2xx stream by its first events. `ok` on the first event that carries content; a failure
 * on an error event, or when the stream ends (`null`) before any content; undefined = read on.
 */
export function classifyStreamEvent(event: { readonly error: boolean; readonly content: boolean } | null): Verdict | undefined {
  if (event === null) return { kind: 'stream_failed_before_content', reason: 'the stream ended before any content' };
  if (event.error) return { kind: 'stream_failed_before_content', reason: 'the stream opened with an error event' };
  return event.content ? { kind: 'ok' } : undefined;
}

/** A stream that broke or stalled: before content a failed attempt, after it a broken stream. */
export function classifyStreamBreak(error: unknown, at: { readonly clientGone: boolean; readonly contentSent: boolean }): Verdict {
  if (at.clientGone) return { kind: 'cancelled' };
  const reason = isTimeout(error) ? 'timeout' : error instanceof Error ? error.message : String(error);
  return at.contentSent ? { kind: 'stream_broken', reason } : { kind: 'stream_failed_before_content', reason: `the stream broke before any content (${reason})` };
}

/** undici's header and body timeouts, by name so this module needs no transport import. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && ['HeadersTimeoutError', 'BodyTimeoutError', 'TimeoutError'].includes(error.name);
}

function isContextLengthError(bodyText: string): boolean {
  if (!bodyText.includes('context_length_exceeded')) return false;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return false;
    const error = parsed.error;
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'context_length_exceeded';
  } catch {
    return false;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
