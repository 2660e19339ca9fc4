import type { Db } from './db.js';
import type { WinRecord } from './types.js';

/** One stored reference as the admin API shows it: its live records and the seed records under them. */
export interface StoredReference {
  readonly id: number;
  readonly prompt: string;
  readonly intent: string | null;
  readonly set: string;
  /** 'seed' (a set file), 'admin' (the admin API) or 'learned' (promoted from outcomes). */
  readonly origin: string;
  readonly createdAt: string;
  /** What routing reads: the seed records plus every outcome learned since. */
  readonly records: Record<string, WinRecord>;
  /** What the seed file or admin post said, before anything was learned. */
  readonly seedRecords: Record<string, WinRecord>;
}

export interface ReferencePage {
  readonly data: StoredReference[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly nextAfter: number | null;
}

export interface ReferenceFilter {
  readonly intent?: string;
  readonly set?: string;
  /** Only ids above this one (keyset paging: stable while references are added or deleted). */
  readonly after?: number;
  readonly limit: number;
}

interface Row {
  id: number;
  text: string;
  intent: string | null;
  set_name: string;
  origin: string;
  created_at: string;
}

const SELECT = `SELECT p.id, p.text, p.intent, s.name AS set_name, p.origin, p.created_at
  FROM reference_prompts p JOIN reference_sets s ON s.id = p.set_id`;

/** Read-only listings of the reference set for operators; straight from SQLite, bounded by `limit`. */
export class ReferenceListing {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      byId: db.prepare<[number], Row>(`${SELECT} WHERE p.id = ?`),
      page: db.prepare<{ after: number; intent: string | null; set: string | null; limit: number }, Row>(
        `${SELECT} WHERE p.id > @after AND (@intent IS NULL OR p.intent = @intent) AND (@set IS NULL OR s.name = @set)
         ORDER BY p.id LIMIT @limit`,
      ),
      records: db.prepare<[number], { model: string } & WinRecord>('SELECT model, wins, losses, ties FROM records WHERE reference_id = ? ORDER BY model'),
      seedRecords: db.prepare<[number], { model: string } & WinRecord>('SELECT model, wins, losses, ties FROM seed_records WHERE reference_id = ? ORDER BY model'),
    };
  }

  get(id: number): StoredReference | null {
    const row = this.stmts.byId.get(id);
    return row ? this.withRecords(row) : null;
  }

  page(filter: ReferenceFilter): ReferencePage {
    // One row more than asked tells whether there is a next page.
    const rows = this.stmts.page.all({ after: filter.after ?? 0, intent: filter.intent ?? null, set: filter.set ?? null, limit: filter.limit + 1 });
    const data = rows.slice(0, filter.limit).map((r) => this.withRecords(r));
    const last = data.at(-1);
    return { data, nextAfter: rows.length > filter.limit && last ? last.id : null };
  }

  private withRecords(row: Row): StoredReference {
    const byModel = (rows: ({ model: string } & WinRecord)[]) => Object.fromEntries(rows.map((r) => [r.model, { wins: r.wins, losses: r.losses, ties: r.ties }]));
    return {
      id: row.id,
      prompt: row.text,
      intent: row.intent,
      set: row.set_name,
      origin: row.origin,
      createdAt: row.created_at,
      records: byModel(this.stmts.records.all(row.id)),
      seedRecords: byModel(this.stmts.seedRecords.all(row.id)),
    };
  }
}
