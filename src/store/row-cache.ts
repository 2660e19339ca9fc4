import type { Db } from './db.js';

/** How often, at most, a lookup asks SQLite whether another connection committed (see RowCache). */
export const VERSION_CHECK_MS = 50;

/**
 * A bounded read cache, by id, of rows every route reads (its neighbours' texts and records), so a
 * route costs a few map lookups instead of two SQLite queries (~0.1 ms at k = 10). SQLite stays the
 * truth: the cache never holds an uncommitted row, nor one this process has since changed:
 * - the store's writers on this connection forget the ids they change, in the same synchronous step;
 * - nothing is cached while a transaction is open, so a rolled-back write leaves nothing behind;
 * - a commit by another connection (e.g. `npm run seed` against the served database) changes
 *   `PRAGMA data_version`, which empties the cache; that pragma costs ~10 µs, so it is read at most
 *   every VERSION_CHECK_MS and such a commit shows within that time.
 * Missing ids are never cached: a reference added later is read on its first use.
 */
export class RowCache<V> {
  private readonly rows = new Map<number, V>();
  private readonly version;
  private seenVersion: number;
  private checkedAt: number;

  constructor(
    private readonly db: Db,
    private readonly capacity: number,
  ) {
    this.version = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.seenVersion = this.readVersion();
    this.checkedAt = performance.now();
  }

  get size(): number {
    return this.rows.size;
  }

  /** The cached rows among `ids`, and the ids the caller must read from SQLite (then `fill`). */
  lookup(ids: readonly number[]): { found: Map<number, V>; missing: number[] } {
    const now = performance.now();
    if (now - this.checkedAt >= VERSION_CHECK_MS) {
      this.checkedAt = now;
      const current = this.readVersion();
      if (current !== this.seenVersion) {
        this.rows.clear();
        this.seenVersion = current;
      }
    }
    const found = new Map<number, V>();
    const missing: number[] = [];
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row === undefined) {
        missing.push(id);
        continue;
      }
      // Re-inserting moves the id to the back: the Map's order is least recently used first.
      this.rows.delete(id);
      this.rows.set(id, row);
      found.set(id, row);
    }
    return { found, missing };
  }

  fill(id: number, row: V): void {
    if (this.db.inTransaction || this.capacity <= 0) return;
    this.rows.set(id, row);
    if (this.rows.size > this.capacity) {
      const oldest = this.rows.keys().next();
      if (!oldest.done) this.rows.delete(oldest.value);
    }
  }

  forget(ids: Iterable<number>): void {
    for (const id of ids) this.rows.delete(id);
  }

  clear(): void {
    this.rows.clear();
  }

  private readVersion(): number {
    return this.version.get() ?? 0;
  }
}
