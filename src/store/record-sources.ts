import type { Db } from './db.js';
import type { WinRecord } from './types.js';

/**
 * Where a reference's live records come from, besides outcome deltas: the seed records (a set file
 * or an admin post) and what another database had learned (`imported_learned`, from seeding its
 * export). Each is replaced on its own; records = seed + imported + outcome deltas.
 */
export type RecordSource = 'seed' | 'imported';

const TABLES = { seed: 'seed_records', imported: 'imported_learned' } as const satisfies Record<RecordSource, string>;

function statementsFor(db: Db, table: string) {
  return {
    of: db.prepare<[number], { model: string } & WinRecord>(`SELECT model, wins, losses, ties FROM ${table} WHERE reference_id = ?`),
    remove: db.prepare<[number]>(`DELETE FROM ${table} WHERE reference_id = ?`),
    insert: db.prepare<[number, string, number, number, number]>(`INSERT INTO ${table} (reference_id, model, wins, losses, ties) VALUES (?, ?, ?, ?, ?)`),
  };
}

export class RecordSources {
  private readonly stmts: Record<RecordSource, ReturnType<typeof statementsFor>>;

  constructor(db: Db) {
    this.stmts = { seed: statementsFor(db, TABLES.seed), imported: statementsFor(db, TABLES.imported) };
  }

  /** One source's records of a reference, by model. */
  of(source: RecordSource, referenceId: number): Map<string, WinRecord> {
    return new Map(this.stmts[source].of.all(referenceId).map((r) => [r.model, { wins: r.wins, losses: r.losses, ties: r.ties }]));
  }

  /** Replaces one source's records of a reference; the caller moves the live records by the difference. */
  replace(source: RecordSource, referenceId: number, records: Readonly<Record<string, WinRecord>>): void {
    this.stmts[source].remove.run(referenceId);
    for (const [model, r] of Object.entries(records)) this.stmts[source].insert.run(referenceId, model, r.wins, r.losses, r.ties);
  }
}

/** What was learned has no zero rows: an all-zero entry means nothing learned for that model. */
export function withoutZeros(records: Readonly<Record<string, WinRecord>>): Record<string, WinRecord> {
  return Object.fromEntries(Object.entries(records).filter(([, r]) => r.wins + r.losses + r.ties > 0));
}
