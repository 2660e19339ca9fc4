import { randomUUID } from 'node:crypto';
import { writeTransaction, type Db } from './db.js';
import { META_KEYS } from './meta-store.js';
import type { WinRecord } from './types.js';

/** One reference as an export writes it: the seed records and what was learned on top, kept apart. */
export interface ExportedReference {
  readonly prompt: string;
  readonly intent: string | null;
  /** The seed records (set file or admin post). */
  readonly records: Record<string, WinRecord>;
  /** Live records minus seed records: outcomes learned here plus what an earlier import brought. */
  readonly learned: Record<string, WinRecord>;
}

/** Below this a difference of sums is rounding, not something learned. */
const LEARNED_EPSILON = 1e-9;

/** One (reference, model) row: live record, seed record, and whether a seed row exists. */
type Row = [id: number, text: string, intent: string | null, model: string | null, lw: number, ll: number, lt: number, sw: number, sl: number, st: number, hasSeed: number];

/**
 * Every reference in id order with its seed and learned records. One statement, so one snapshot:
 * a service writing meanwhile cannot make the seed and live halves disagree.
 */
export function exportReferences(db: Db): ExportedReference[] {
  const rows = db
    .prepare<[], Row>(
      `SELECT p.id, p.text, p.intent, m.model,
              COALESCE(r.wins, 0), COALESCE(r.losses, 0), COALESCE(r.ties, 0),
              COALESCE(s.wins, 0), COALESCE(s.losses, 0), COALESCE(s.ties, 0), s.model IS NOT NULL
       FROM reference_prompts p
       LEFT JOIN (SELECT reference_id, model FROM records UNION SELECT reference_id, model FROM seed_records) m ON m.reference_id = p.id
       LEFT JOIN records r ON r.reference_id = p.id AND r.model = m.model
       LEFT JOIN seed_records s ON s.reference_id = p.id AND s.model = m.model
       ORDER BY p.id, m.model`,
    )
    .raw();
  const out: ExportedReference[] = [];
  let lastId: number | undefined;
  for (const [id, text, intent, model, lw, ll, lt, sw, sl, st, hasSeed] of rows.iterate()) {
    if (id !== lastId) out.push({ prompt: text, intent, records: {}, learned: {} });
    lastId = id;
    const current = out.at(-1);
    if (model === null || current === undefined) continue;
    // A seed row is kept even at zero: the set file said so.
    if (hasSeed) current.records[model] = { wins: sw, losses: sl, ties: st };
    const learned = { wins: Math.max(0, lw - sw), losses: Math.max(0, ll - sl), ties: Math.max(0, lt - st) };
    if (learned.wins > LEARNED_EPSILON || learned.losses > LEARNED_EPSILON || learned.ties > LEARNED_EPSILON) current.learned[model] = learned;
  }
  return out;
}

/**
 * This database's id, made on first use: an export names the database it came from, so seeding it
 * back into the same database does not count what was learned here a second time.
 */
export function databaseId(db: Db): string {
  const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING');
  writeTransaction(db, () => insert.run(META_KEYS.databaseId, randomUUID()))();
  return db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck().get(META_KEYS.databaseId) ?? '';
}
