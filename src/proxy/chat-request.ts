import { lastUserText, sessionOf, turnsOf, type ConversationTurn } from '../routing/conversation.js';
import { z } from 'zod';
import { estimateTokens } from '../config/catalog.js';
import { TargetSchema } from '../config/schema.js';

const MAX_MESSAGES = 2000;

/**
 * The part of an OpenAI chat completion request that semroute acts on. Every object is loose:
 * it checks the fields it names and keeps every other key, at every level it parses, so nothing
 * the caller sent (tool_calls, tool_call_id, image_url, input_audio, unknown keys) is dropped.
 */
export const RoutingViewSchema = z.looseObject({
  /** `router`, `router:<strategy>`, or a catalog model id. */
  model: z.string().min(1).max(200).meta({ description: '`router`, `router:quality`, `router:cheap`, `router:balanced`, or a catalog model id', example: 'router' }),
  messages: z
    .array(
      z.looseObject({
        role: z.string().min(1).max(64).meta({ description: 'Who wrote the message (system, developer, user, assistant, tool).', example: 'user' }),
        content: z.unknown().meta({ description: 'Text or an array of content parts; forwarded untouched.', example: 'Write a haiku about routers.' }),
      }),
    )
    .min(1)
    .max(MAX_MESSAGES)
    .meta({ description: 'OpenAI chat messages, forwarded untouched; routing reads their text parts', example: [{ role: 'user', content: 'Write a haiku about routers.' }] }),
  stream: z.boolean().optional().meta({ description: 'Server-sent events, relayed as they arrive', example: false }),
  /** Ours: escalate to a stronger model on low confidence or a failed answer check. Not forwarded. */
  router_escalate: z.boolean().optional().meta({ description: 'semroute: escalate once to a stronger model on low confidence or a failed answer check (not forwarded)', example: false }),
  /** Ours: this request's cost/quality target (overrides routing.target). Not forwarded. */
  router_target: TargetSchema.optional().meta({ description: 'semroute: {qualityShare} or {costShare} of the best single model, overriding routing.target (not forwarded)', example: { qualityShare: 0.95 } }),
});
export type RoutingView = z.infer<typeof RoutingViewSchema>;

/**
 * The caller's body exactly as it was parsed from JSON. It is never rebuilt from the routing view:
 * the upstream gets this object with only `model` (and, for streams, our usage request) changed.
 */
export interface RelayedBody {
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface ChatRequest {
  readonly relayed: RelayedBody;
  readonly view: RoutingView;
  /** The x-semroute-session header, for session affinity. */
  readonly session?: string;
}

/** Keys that belong to semroute and never reach an upstream. */
const OWN_KEYS = new Set(['router_escalate', 'router_target']);

/**
 * The body for one upstream: the caller's fields untouched, `model` set to the upstream's name, and
 * for streams `stream_options.include_usage: true` so spend can be counted (the client's own
 * choice is applied to what it receives, see stream-relay.ts).
 */
export function upstreamBodyOf(relayed: RelayedBody, upstreamModel: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(relayed.fields)) if (!OWN_KEYS.has(key)) out[key] = value;
  out['model'] = upstreamModel;
  if (relayed.fields['stream'] === true) out['stream_options'] = { ...objectOr(relayed.fields['stream_options']), include_usage: true };
  return out;
}

/** True when the client asked for the usage-only chunk at the end of a stream. */
export function clientWantsUsage(relayed: RelayedBody): boolean {
  const options = objectOr(relayed.fields['stream_options']);
  return options['include_usage'] === true;
}

/**
 * The text routing embeds: the text parts of the last user turn (the turn the next answer must
 * serve); '' without one (a system prompt is not the user's text). Non-text parts (images, audio,
 * files) are skipped. See routing/conversation.ts.
 */
export function routingText(messages: readonly { readonly role: string; readonly content: unknown }[]): string {
  return lastUserText(turnsOf(messages));
}

/** What the router needs from a chat: the last user turn, every turn (for the window), and the session. */
export function routeInputOf(request: ChatRequest): { prompt: string; conversation: ConversationTurn[]; session?: { id: string; followUp: boolean } } {
  const conversation = turnsOf(request.view.messages);
  const session = sessionOf(request.session, request.relayed.fields['user'], request.view.messages);
  return { prompt: lastUserText(conversation), conversation, ...(session ? { session } : {}) };
}

/** The text parts of one message's content: a string, or the `text` of its `{type: 'text'}` parts. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) if (isRecord(part) && typeof part['text'] === 'string') texts.push(part['text']);
  return texts.join('\n');
}

/** Tokens an image, audio or file part is assumed to take (OpenAI's low-detail image cost). */
const NON_TEXT_PART_TOKENS = 85;
/** Per-message framing tokens in OpenAI's chat format. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * Estimated input tokens of the whole request: every message's text parts, tool calls and their
 * arguments, tool results, plus the tool definitions. Non-text parts count a fixed amount; their
 * base64 payloads are not text the model reads as tokens. About 4 characters a token.
 */
export function conversationTokens(relayed: RelayedBody): number {
  const messages = relayed.fields['messages'];
  let tokens = 0;
  if (Array.isArray(messages)) {
    for (const m of messages) {
      if (!isRecord(m)) continue;
      tokens += MESSAGE_OVERHEAD_TOKENS + estimateTokens(textOf(m['content']));
      if (Array.isArray(m['content'])) tokens += NON_TEXT_PART_TOKENS * m['content'].filter((p) => isRecord(p) && typeof p['text'] !== 'string').length;
      if (m['tool_calls'] !== undefined) tokens += estimateTokens(JSON.stringify(m['tool_calls']));
    }
  }
  for (const key of ['tools', 'functions'] as const) {
    if (relayed.fields[key] !== undefined) tokens += estimateTokens(JSON.stringify(relayed.fields[key]));
  }
  return tokens;
}

/** The output the request may produce: its own `max_completion_tokens`/`max_tokens`, else the default. */
export function expectedOutputTokens(relayed: RelayedBody, fallback: number): number {
  for (const key of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = relayed.fields[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.ceil(value);
  }
  return fallback;
}

function objectOr(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
