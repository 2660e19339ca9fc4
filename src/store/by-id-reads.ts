import type { Db } from './db.js';
import { RowCache } from './row-cache.js';
import type { ModelRecords, ReferencePrompt, WinRecord } from './types.js';

type InStatement = ReturnType<Db['prepare']>;

/** Neighbour rows kept in memory: a hot set of this many references costs a few MB. */
const CACHED_REFERENCES = 20_000;

/**
 * The reads every route makes, by reference id: the neighbours' prompts and records, through a
 * read cache (see RowCache for why it never serves an uncommitted or outdated row). The reference
 * store owns the writes and tells this which ids to forget.
 */
export class ByIdReads {
  private readonly prompts: RowCache<ReferencePrompt>;
  private readonly recordRows: RowCache<ModelRecords>;
  private readonly inStatements = new Map<string, InStatement>();

  constructor(private readonly db: Db) {
    this.prompts = new RowCache(db, CACHED_REFERENCES);
    this.recordRows = new RowCache(db, CACHED_REFERENCES);
  }

  references(ids: readonly number[]): Map<number, ReferencePrompt> {
    const { found, missing } = this.prompts.lookup(ids);
    const rows = this.selectIn<[number, string, string | null, string]>(
      'SELECT p.id, p.text, p.intent, s.name FROM reference_prompts p JOIN reference_sets s ON s.id = p.set_id WHERE p.id IN',
      missing,
      { raw: true },
    );
    for (const [id, text, intent, setName] of rows) {
      const prompt = { id, text, intent, setName };
      found.set(id, prompt);
      this.prompts.fill(id, prompt);
    }
    return found;
  }

  records(ids: readonly number[]): Map<number, ModelRecords> {
    const { found, missing } = this.recordRows.lookup(ids);
    for (const [id, byModel] of this.recordsUncached(missing)) {
      found.set(id, byModel);
      this.recordRows.fill(id, byModel);
    }
    return found;
  }

  /** Straight from SQLite, e.g. for an export that touches every row once and should not evict the hot ones. */
  recordsUncached(ids: readonly number[]): Map<number, ModelRecords> {
    const out = new Map<number, Map<string, WinRecord>>();
    // Rows as arrays: routing reads k × models of them per request, and arrays cost half of objects.
    const rows = this.selectIn<[number, string, number, number, number]>('SELECT reference_id, model, wins, losses, ties FROM records WHERE reference_id IN', ids, { raw: true });
    for (const [referenceId, model, wins, losses, ties] of rows) {
      let byModel = out.get(referenceId);
      if (!byModel) out.set(referenceId, (byModel = new Map()));
      byModel.set(model, { wins, losses, ties });
    }
    return out;
  }

  existingIds(ids: readonly number[]): Set<number> {
    return new Set(this.selectIn<{ id: number }>('SELECT id FROM reference_prompts WHERE id IN', ids).map((r) => r.id));
  }

  forget(id: number): void {
    this.prompts.forget([id]);
    this.recordRows.forget([id]);
  }

  forgetRecords(ids: Iterable<number>): void {
    this.recordRows.forget(ids);
  }

  forgetAllRecords(): void {
    this.recordRows.clear();
  }

  forgetAll(): void {
    this.prompts.clear();
    this.recordRows.clear();
  }

  /** `… IN (?, ?, …)` statements are prepared once per (query, id count): routing asks for k ids every time. */
  private selectIn<T>(sqlPrefix: string, ids: readonly number[], options: { raw?: boolean } = {}): T[] {
    if (ids.length === 0) return [];
    const key = `${ids.length}:${options.raw ? 'raw:' : ''}${sqlPrefix}`;
    let stmt = this.inStatements.get(key);
    if (!stmt) {
      stmt = this.db.prepare(`${sqlPrefix} (${ids.map(() => '?').join(',')})`);
      if (options.raw) stmt.raw(true);
      this.inStatements.set(key, stmt);
    }
    // better-sqlite3 types rows as unknown; the SQL above fixes their shape.
    return stmt.all(ids) as T[];
  }
}
