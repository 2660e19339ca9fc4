import { isRecord } from './chat-request.js';
import type { Usage } from './usage.js';
import { usageOf } from './usage.js';

/** One server-sent event as the upstream sent it, with what the front door reads from it. */
export interface SseEvent {
  /** The event's exact text, its terminating blank line included: relayed as-is. */
  readonly raw: string;
  /** An error event (`event: error`, or data carrying `error`): the OpenAI SDK throws on it. */
  readonly error: boolean;
  /** Carries content: a delta with text, tool calls, a refusal or audio, or a finish reason. */
  readonly content: boolean;
  /** The usage-only chunk (`choices: []` with `usage`) sent when `include_usage` is on. */
  readonly usageOnly: boolean;
  readonly usage: Usage | null;
  /** Characters of generated text and tool-call arguments, for estimating usage when none comes. */
  readonly generatedChars: number;
}

/** Largest event we hold while waiting for its end; an upstream that exceeds it is broken. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;

/**
 * Splits a byte stream into server-sent events (WHATWG HTML §9.2: events end at a blank line).
 * Feeding is incremental; an event split across chunks is held until its end arrives.
 */
export class SseSplitter {
  private readonly decoder = new TextDecoder();
  private pending = '';

  push(chunk: Uint8Array): SseEvent[] {
    this.pending += this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    for (;;) {
      const end = eventEnd(this.pending);
      if (end < 0) break;
      events.push(readEvent(this.pending.slice(0, end)));
      this.pending = this.pending.slice(end);
    }
    if (this.pending.length > MAX_EVENT_CHARS) throw new Error('upstream sent a server-sent event larger than 4 MiB');
    return events;
  }

  /** What is left when the stream ends: an unterminated last event, relayed as it is. */
  end(): SseEvent[] {
    this.pending += this.decoder.decode();
    const rest = this.pending;
    this.pending = '';
    return rest.trim() === '' ? [] : [readEvent(rest)];
  }
}

/** Index just past the first blank line (LF LF, CRLF CRLF or CR CR), or -1. */
function eventEnd(text: string): number {
  const candidates = [text.indexOf('\n\n'), text.indexOf('\r\n\r\n'), text.indexOf('\r\r')];
  let best = -1;
  let length = 0;
  candidates.forEach((at, i) => {
    if (at >= 0 && (best < 0 || at < best)) {
      best = at;
      length = i === 1 ? 4 : 2;
    }
  });
  return best < 0 ? -1 : best + length;
}

function readEvent(raw: string): SseEvent {
  let eventName = '';
  const data: string[] = [];
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    else if (line.startsWith('event:')) eventName = line.slice(6).trim();
  }
  const text = data.join('\n');
  const none = { raw, error: eventName === 'error', content: false, usageOnly: false, usage: null, generatedChars: 0 };
  if (text === '' || text === '[DONE]') return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return none;
  }
  if (!isRecord(parsed)) return none;
  const choices = Array.isArray(parsed['choices']) ? parsed['choices'] : [];
  const usage = usageOf(parsed);
  const { content, generatedChars } = contentOf(choices);
  return { raw, error: none.error || parsed['error'] !== undefined, content, usageOnly: choices.length === 0 && usage !== null, usage, generatedChars };
}

function contentOf(choices: readonly unknown[]): { content: boolean; generatedChars: number } {
  let content = false;
  let generatedChars = 0;
  for (const choice of choices) {
    if (!isRecord(choice)) continue;
    if (choice['finish_reason'] !== null && choice['finish_reason'] !== undefined) content = true;
    const delta = choice['delta'];
    if (!isRecord(delta)) continue;
    if (typeof delta['content'] === 'string' && delta['content'] !== '') {
      content = true;
      generatedChars += delta['content'].length;
    }
    for (const key of ['tool_calls', 'function_call', 'refusal', 'audio'] as const) {
      if (delta[key] !== undefined && delta[key] !== null) {
        content = true;
        generatedChars += key === 'refusal' && typeof delta[key] === 'string' ? delta[key].length : argumentChars(delta[key]);
      }
    }
  }
  return { content, generatedChars };
}

function argumentChars(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + argumentChars(v), 0);
  if (!isRecord(value)) return 0;
  const fn = isRecord(value['function']) ? value['function'] : value;
  return (typeof fn['arguments'] === 'string' ? fn['arguments'].length : 0) + (typeof fn['name'] === 'string' ? fn['name'].length : 0);
}
