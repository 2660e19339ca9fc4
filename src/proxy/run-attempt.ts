import type { CatalogModel } from '../config/schema.js';
import type { AttemptLog } from './attempt-log.js';
import { clientWantsUsage, upstreamBodyOf, type ChatRequest } from './chat-request.js';
import { startRelay } from './stream-relay.js';
import { callUpstream, type UpstreamError } from './upstream.js';
import { countUsage, generatedCharsOf, usageOf, type CountedUsage } from './usage.js';
import type { Verdict, VerdictKind } from './verdict.js';

export interface AttemptInput {
  readonly request: ChatRequest;
  readonly decisionId: string;
  readonly apiKey: string | null;
  readonly promptTokens: number;
  readonly model: string;
  readonly entry: CatalogModel;
  readonly timeoutMs: number;
  readonly upstreamKey: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly log: AttemptLog;
  /** How a committed stream ended, for the circuit breaker. */
  readonly streamEnded?: (verdict: 'ok' | 'stream_broken' | 'cancelled') => void;
}

export interface AttemptOutcome {
  readonly verdict: Verdict;
  readonly latencyMs: number;
  /** A non-streamed chat completion, for `ok`. */
  readonly json?: Record<string, unknown>;
  /** The client's stream, for `ok` on a streamed request: committed, its first content in hand. */
  readonly stream?: ReadableStream<Uint8Array>;
  /** The upstream's non-2xx answer, to pass back as it came. */
  readonly error?: UpstreamError;
  /** Resolves once this attempt's log and spend have committed (for a stream: after it ends). */
  readonly written: Promise<void>;
}

/**
 * One call to one upstream, turned into a verdict and logged once. A committed stream is logged
 * when it ends (ok, stream_broken, or cancelled by the client), with its usage or an estimate.
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const startedAt = Date.now();
  const upstream = input.entry.upstream;
  const log = (verdict: VerdictKind, usage?: CountedUsage) =>
    input.log.attempt({ decisionId: input.decisionId, apiKey: input.apiKey, model: input.model, verdict, latencyMs: Date.now() - startedAt, ...(usage ? { usage } : {}) });
  if (!upstream) {
    const verdict: Verdict = { kind: 'deployment_fault', status: 404 };
    return { verdict, latencyMs: 0, written: log(verdict.kind) };
  }
  if (input.signal?.aborted) return { verdict: { kind: 'cancelled' }, latencyMs: 0, written: Promise.resolve() };
  const stream = input.request.relayed.fields['stream'] === true;
  const reply = await callUpstream({
    url: `${upstream.baseUrl.replace(/\/+$/, '')}/chat/completions`,
    apiKey: input.upstreamKey,
    body: upstreamBodyOf(input.request.relayed, upstream.model ?? input.model),
    timeoutMs: input.timeoutMs,
    stream,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const latencyMs = () => Date.now() - startedAt;
  if (reply.kind === 'failed') return { verdict: reply.verdict, latencyMs: latencyMs(), ...(reply.error ? { error: reply.error } : {}), written: log(reply.verdict.kind) };
  if (reply.kind === 'json') {
    const usage = countUsage(usageOf(reply.body), { promptTokens: input.promptTokens, generatedChars: generatedCharsOf(reply.body) });
    const verdict: Verdict = { kind: 'ok' };
    return { verdict, latencyMs: latencyMs(), json: reply.body, written: log(verdict.kind, usage) };
  }
  let ended: (written: Promise<void>) => void = () => undefined;
  const written = new Promise<void>((resolve) => {
    ended = (w) => void w.then(resolve);
  });
  const started = await startRelay(reply.body, {
    clientWantsUsage: clientWantsUsage(input.request.relayed),
    gapMs: upstream.timeoutMs,
    model: input.model,
    ...(input.signal ? { signal: input.signal } : {}),
    onEnd: (end) => {
      input.streamEnded?.(end.verdict);
      ended(log(end.verdict, countUsage(end.usage, { promptTokens: input.promptTokens, generatedChars: end.generatedChars })));
    },
  });
  if (started.kind === 'failed') return { verdict: started.verdict, latencyMs: latencyMs(), written: log(started.verdict.kind) };
  return { verdict: { kind: 'ok' }, latencyMs: latencyMs(), stream: started.stream, written };
}
