import type { Readable } from 'node:stream';
import { SseSplitter, type SseEvent } from './sse.js';
import type { Usage } from './usage.js';
import { classifyStreamBreak, classifyStreamEvent, type Verdict } from './verdict.js';

/** How a committed stream ended, reported exactly once. */
export interface StreamEnd {
  readonly verdict: Extract<Verdict['kind'], 'ok' | 'stream_broken' | 'cancelled'>;
  readonly usage: Usage | null;
  readonly generatedChars: number;
}

export type StreamStart =
  | { readonly kind: 'committed'; readonly stream: ReadableStream<Uint8Array> }
  | { readonly kind: 'failed'; readonly verdict: Extract<Verdict, { kind: 'stream_failed_before_content' | 'cancelled' }> };

export interface RelayOptions {
  /** The client asked for the usage-only chunk; otherwise it is dropped on the way out. */
  readonly clientWantsUsage: boolean;
  /** Longest wait for the upstream's next chunk, in ms (time spent waiting on the client does not count). */
  readonly gapMs: number;
  readonly signal?: AbortSignal;
  readonly onEnd: (end: StreamEnd) => void;
  /** The catalog id to name in each chunk's `model`, as non-streamed answers do; absent = relayed as sent. */
  readonly model?: string;
}

/** The first `"model": "…"` pair of a data event. Inside a JSON string its quotes are escaped, so only a key matches. */
const MODEL_FIELD = /"model"\s*:\s*"(?:[^"\\]|\\.)*"/;

/** The event with its `model` naming the catalog model; every other byte is as the upstream sent it. */
export function withCatalogModel(raw: string, model: string): string {
  const field = `"model":${JSON.stringify(model)}`;
  return raw.replace(MODEL_FIELD, () => field);
}

/** Events held while waiting for the first content; an upstream that sends more without content is relayed as it is. */
const MAX_HELD_EVENTS = 256;

/**
 * Reads an upstream stream until its first event that carries content (verdict.ts judges each
 * event). Only then is the model committed to: the client gets a stream that replays the held events and relays the rest as they
 * come. An error event, an end, a break or a timeout before content is a failed attempt and the
 * caller tries the next model. Built on a pull-based ReadableStream over the undici body (not
 * Readable.toWeb, whose bridge throws ERR_INVALID_STATE when a client cancels at the wrong moment).
 */
export async function startRelay(body: Readable, options: RelayOptions): Promise<StreamStart> {
  const events = new UpstreamEvents(body, options.gapMs);
  const held: SseEvent[] = [];
  for (;;) {
    let event: SseEvent | null;
    try {
      event = await events.next();
    } catch (error) {
      events.close();
      return failed(classifyStreamBreak(error, { clientGone: options.signal?.aborted === true, contentSent: false }));
    }
    const verdict = classifyStreamEvent(event);
    if (verdict !== undefined && verdict.kind !== 'ok') {
      events.close();
      return failed(verdict);
    }
    if (event !== null) held.push(event);
    if (verdict?.kind === 'ok' || held.length >= MAX_HELD_EVENTS) return { kind: 'committed', stream: clientStream(events, held, options) };
  }
}

function failed(verdict: Verdict): StreamStart {
  if (verdict.kind === 'cancelled' || verdict.kind === 'stream_failed_before_content') return { kind: 'failed', verdict };
  return { kind: 'failed', verdict: { kind: 'stream_failed_before_content', reason: verdict.kind } };
}

function clientStream(events: UpstreamEvents, held: readonly SseEvent[], options: RelayOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let usage: Usage | null = null;
  let generatedChars = 0;
  let ended = false;
  const end = (verdict: StreamEnd['verdict']) => {
    if (ended) return false;
    ended = true;
    events.close();
    options.onEnd({ verdict, usage, generatedChars });
    return true;
  };
  /** Enqueues the event unless it is a usage chunk the client did not ask for; true when enqueued. */
  const relay = (controller: ReadableStreamDefaultController<Uint8Array>, event: SseEvent): boolean => {
    usage = event.usage ?? usage;
    generatedChars += event.generatedChars;
    if (event.usageOnly && !options.clientWantsUsage) return false;
    controller.enqueue(encoder.encode(options.model === undefined || event.error ? event.raw : withCatalogModel(event.raw, options.model)));
    return true;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of held) relay(controller, event);
    },
    async pull(controller) {
      try {
        for (;;) {
          const event = await events.next();
          if (ended) return;
          if (event === null) {
            end('ok');
            controller.close();
            return;
          }
          const sent = relay(controller, event);
          if (event.error) {
            end('stream_broken');
            controller.close();
            return;
          }
          if (sent) return;
        }
      } catch (error) {
        // A client that left first has already ended the stream (cancel) or aborted the call.
        const verdict = classifyStreamBreak(error, { clientGone: options.signal?.aborted === true, contentSent: true });
        if (!end(verdict.kind === 'cancelled' ? 'cancelled' : 'stream_broken')) return;
        if (verdict.kind !== 'stream_broken') return controller.close();
        controller.enqueue(encoder.encode(brokenStreamEvent(verdict.reason)));
        controller.close();
      }
    },
    cancel() {
      end('cancelled');
    },
  });
}

/** An OpenAI-shaped error event: the OpenAI SDKs throw an APIError with this message. */
function brokenStreamEvent(reason: string): string {
  const error = { message: `the upstream stream broke after content was sent: ${reason}`, type: 'upstream_error', code: 'stream_broken', param: null };
  return `data: ${JSON.stringify({ error })}\n\n`;
}

/** The upstream sent nothing for longer than its timeout. */
class GapTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Server-sent events pulled one at a time from an undici body. The gap timer runs only while we
 * wait on the upstream (undici's own bodyTimeout ticks at a 1 s resolution, and also counts time
 * the body sits unread while the client is slow).
 */
class UpstreamEvents {
  private readonly iterator: AsyncIterator<unknown>;
  private readonly splitter = new SseSplitter();
  private readonly queue: SseEvent[] = [];
  private readonly gapTimer: NodeJS.Timeout;
  private waiting = false;
  private done = false;

  constructor(
    private readonly body: Readable,
    gapMs: number,
  ) {
    this.iterator = body[Symbol.asyncIterator]();
    this.gapTimer = setTimeout(() => {
      if (this.waiting && !this.body.destroyed) this.body.destroy(new GapTimeoutError(`no chunk for ${gapMs} ms`));
    }, gapMs).unref();
  }

  /** The next event, or null at the end; rejects when the upstream breaks or times out. */
  async next(): Promise<SseEvent | null> {
    while (this.queue.length === 0) {
      if (this.done) return null;
      const { done, value } = await this.read();
      if (done === true) {
        this.done = true;
        this.queue.push(...this.splitter.end());
      } else {
        this.queue.push(...this.splitter.push(value instanceof Uint8Array ? value : Buffer.from(String(value))));
      }
    }
    return this.queue.shift() ?? null;
  }

  close(): void {
    this.done = true;
    clearTimeout(this.gapTimer);
    if (!this.body.destroyed) this.body.destroy();
  }

  private async read(): Promise<IteratorResult<unknown>> {
    this.waiting = true;
    this.gapTimer.refresh();
    try {
      return await this.iterator.next();
    } finally {
      this.waiting = false;
    }
  }
}
