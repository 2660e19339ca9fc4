import { createHash } from 'node:crypto';
import type { Db } from './db.js';

type InStatement = ReturnType<Db['prepare']>;

/**
 * Content-addressed JSON bodies that many decisions share (table decision_parts): stored once,
 * named by a small integer id. Rows are never updated or deleted, so an id, once committed, names
 * the same body for good.
 *
 * Ids are remembered only after the caller says the transaction that wrote them committed
 * ({@link PartsWritten.committed}): a rolled-back savepoint or batch must not leave an id behind
 * that no row holds. Until then every use re-runs the idempotent upsert.
 */
export class DecisionParts {
  private readonly upsertStmt;
  private readonly inStatements = new Map<number, InStatement>();

  constructor(private readonly db: Db) {
    // RETURNING gives the id whether the body is new or was already there.
    this.upsertStmt = db.prepare<[string, string], { id: number }>(
      'INSERT INTO decision_parts (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id',
    );
  }

  /** The id of the part holding `body`, inserting it when new; runs inside the caller's transaction. */
  idOf(body: string): number {
    const row = this.upsertStmt.get(partHash(body), body);
    if (!row) throw new Error('decision_parts upsert returned no id');
    return row.id;
  }

  /** Bodies by id; an id without a row is absent from the map. */
  bodies(ids: readonly number[]): Map<number, string> {
    const distinct = [...new Set(ids)];
    const out = new Map<number, string>();
    if (distinct.length === 0) return out;
    let stmt = this.inStatements.get(distinct.length);
    if (!stmt) {
      stmt = this.db.prepare(`SELECT id, body FROM decision_parts WHERE id IN (${distinct.map(() => '?').join(',')})`).raw(true);
      if (this.inStatements.size < 64) this.inStatements.set(distinct.length, stmt);
    }
    // The SQL above fixes the row shape.
    for (const [id, body] of stmt.all(distinct) as [number, string][]) out.set(id, body);
    return out;
  }
}

/** What one insert wrote tentatively; `committed()` makes its ids reusable without a lookup. */
export interface PartsWritten {
  committed(): void;
}

export function partHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 22);
}
