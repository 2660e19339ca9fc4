/**
 * Which text a chat is routed on. The last user turn is what the next answer must serve, so it
 * comes first. A short follow-up ("now add unit tests for it") says little on its own: it is routed
 * on a window of the recent user turns instead, and so is a last turn that comes back uncovered.
 * The system prompt is a weak signal in that window, never the text itself: a request with no user
 * turn is routed on no text (empty), not on its system prompt.
 */

/** One message reduced to what routing reads. */
export interface ConversationTurn {
  readonly role: string;
  readonly text: string;
}

export type RoutedOnSource = 'prompt' | 'last_user' | 'window' | 'none';

/** What a decision was routed on: which text, its size and a hash that joins it to logs (never the text). */
export interface RoutedOn {
  readonly source: RoutedOnSource | 'session';
  readonly chars: number;
  readonly hash: string;
  /** User turns in the routed text (1 for the last turn alone, 0 with no user turn). */
  readonly turns: number;
  /** Present when a session was given: whether its model was kept, or why not. */
  readonly affinity?: 'kept' | 'same_model' | 'new_session' | 'rule' | 'not_eligible';
  /** With affinity `kept`: the model the text alone would have chosen (the first fallback). */
  readonly textModel?: string;
  /** With reason `language`: the language the text was detected in (ISO 639-1, or `und`). */
  readonly language?: string;
}

export interface ConversationOptions {
  /** A last user turn shorter than this (characters, trimmed) is routed on the window. */
  readonly shortTurnChars: number;
  /** User turns in the window, the last one included. */
  readonly windowTurns: number;
  /** The system prompt's weight in the window's vector, against 1 for the last user turn. */
  readonly systemWeight: number;
}

export const DEFAULT_CONVERSATION: ConversationOptions = { shortTurnChars: 40, windowTurns: 3, systemWeight: 0.25 };

/** Weights of the window's user turns, newest first: older turns count less. */
const TURN_DECAY = 0.6;

/** The text parts of a message's content: a string, or the `text` of its parts (images and files are skipped). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

/** Chat messages (OpenAI shape) as turns. */
export function turnsOf(messages: readonly { readonly role: string; readonly content: unknown }[]): ConversationTurn[] {
  return messages.map((m) => ({ role: m.role, text: contentText(m.content) }));
}

/** The last user turn's text; '' when the conversation has no user turn (a system-only request). */
export function lastUserText(turns: readonly ConversationTurn[]): string {
  return [...turns].reverse().find((t) => t.role === 'user' && t.text.trim() !== '')?.text ?? '';
}

/** A window worth embedding: weighted texts (newest user turn first) and the joined text it stands for. */
export interface RoutingWindow {
  readonly parts: readonly { readonly text: string; readonly weight: number }[];
  /** The user turns, oldest first, as stored for the report and hashed for `routedOn`. */
  readonly text: string;
  readonly turns: number;
}

/**
 * The recent user turns (newest weighted 1, each older one 0.6 times the next) plus the system
 * prompt at `systemWeight`; null when it would hold nothing beyond the last user turn.
 */
export function routingWindow(turns: readonly ConversationTurn[], options: ConversationOptions = DEFAULT_CONVERSATION): RoutingWindow | null {
  const users = turns.filter((t) => t.role === 'user' && t.text.trim() !== '').slice(-options.windowTurns).reverse();
  if (users.length === 0) return null;
  const system = turns.filter((t) => (t.role === 'system' || t.role === 'developer') && t.text.trim() !== '').map((t) => t.text).join('\n');
  if (users.length === 1 && (system === '' || options.systemWeight === 0)) return null;
  const parts = users.map((t, i) => ({ text: t.text, weight: TURN_DECAY ** i }));
  if (system !== '' && options.systemWeight > 0) parts.push({ text: system, weight: options.systemWeight });
  return { parts, text: users.map((t) => t.text).reverse().join('\n'), turns: users.length };
}

/**
 * The window without its newest user turn: what the conversation was about before a short
 * follow-up. Null when no earlier user turn exists (the system prompt alone is never routed on).
 * Weights are rescaled so the newest earlier turn counts 1.
 */
export function earlierTurns(window: RoutingWindow): RoutingWindow | null {
  if (window.turns < 2) return null;
  const rest = window.parts.slice(1);
  const scale = 1 / (rest[0]?.weight ?? 1);
  const lines = window.text.split('\n');
  // The joined text is oldest first; a turn may hold newlines, so drop the newest turn's lines.
  const newestLines = (window.parts[0]?.text ?? '').split('\n').length;
  return { parts: rest.map((p) => ({ text: p.text, weight: p.weight * scale })), text: lines.slice(0, lines.length - newestLines).join('\n'), turns: window.turns - 1 };
}

export function isShortTurn(text: string, options: ConversationOptions = DEFAULT_CONVERSATION): boolean {
  return text.trim().length < options.shortTurnChars;
}

/** The weighted sum of unit vectors, renormalised: the window's one vector for the index. */
export function mixVectors(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const dims = vectors[0]?.length ?? 0;
  const out = new Float32Array(dims);
  vectors.forEach((v, k) => {
    const w = weights[k] ?? 0;
    for (let i = 0; i < dims; i++) out[i] = (out[i] ?? 0) + w * (v[i] ?? 0);
  });
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dims; i++) out[i] = (out[i] ?? 0) / norm;
  return out;
}

/** Session affinity's header; it names a session explicitly, so every request in it is a follow-up. */
export const SESSION_HEADER = 'x-semroute-session';

/**
 * The session a request belongs to: the header (or our `session` field), else OpenAI's `user`,
 * which is a session only for a chat that already holds an answer (a follow-up), since one user
 * starts many unrelated chats.
 */
export function sessionOf(explicit: string | undefined, user: unknown, messages: readonly { readonly role: string }[]): { id: string; followUp: boolean } | undefined {
  const named = explicit?.trim().slice(0, 256);
  if (named) return { id: `s:${named}`, followUp: true };
  if (typeof user !== 'string' || user === '') return undefined;
  return { id: `u:${user.slice(0, 256)}`, followUp: messages.some((m) => m.role === 'assistant') };
}
