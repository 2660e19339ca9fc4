/**
 * Which model a session was last routed to, so its follow-ups stay on it. In memory, bounded:
 * at most `maxSessions` (the least recently used leaves first) and each forgotten after `ttlMs`
 * without a request. A restart forgets every session; the next request simply routes afresh.
 */
export interface SessionAffinityOptions {
  readonly ttlMs: number;
  readonly maxSessions: number;
  readonly now?: () => number;
}

export class SessionAffinity {
  /** Map order is insertion order: re-inserting on use keeps the least recently used first. */
  private readonly sessions = new Map<string, { model: string; at: number }>();
  private readonly now: () => number;

  constructor(private readonly options: SessionAffinityOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The session's model, or undefined when unknown or expired. */
  modelOf(session: string): string | undefined {
    const entry = this.sessions.get(session);
    if (entry === undefined) return undefined;
    if (this.now() - entry.at > this.options.ttlMs) {
      this.sessions.delete(session);
      return undefined;
    }
    this.sessions.delete(session);
    this.sessions.set(session, entry);
    return entry.model;
  }

  remember(session: string, model: string): void {
    this.sessions.delete(session);
    this.sessions.set(session, { model, at: this.now() });
    while (this.sessions.size > this.options.maxSessions) {
      const oldest = this.sessions.keys().next();
      if (oldest.done === true) break;
      this.sessions.delete(oldest.value);
    }
  }

  get size(): number {
    return this.sessions.size;
  }
}
