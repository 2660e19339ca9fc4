import { ByIdReads } from './by-id-reads.js';
import { blobToVector, vectorToBlob, writeTransaction, type Db } from './db.js';
import { createMetaStore, META_KEYS } from './meta-store.js';
import { RecordSources, withoutZeros, type RecordSource } from './record-sources.js';
import { databaseId, exportReferences, type ExportedReference } from './reference-export.js';
import { ReferenceListing } from './reference-listing.js';
import { VERSION_CHECK_MS } from './row-cache.js';
import type { ModelRecords, RecordDelta, ReferenceInput, ReferencePrompt, WinRecord } from './types.js';

export interface SetWriteSummary {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface ReferenceStats {
  sets: number;
  prompts: number;
  intents: number;
  models: number;
}

interface RecordRow extends WinRecord {
  reference_id: number;
  model: string;
}

/** Reference sets, prompts (with their vectors) and per-model win records. */
export class SqliteReferenceStore {
  private readonly meta;
  private readonly stmts;
  private readonly reads: ByIdReads;
  private readonly sources: RecordSources;
  /** Operator listings (admin API), read straight from SQLite. */
  readonly listing: ReferenceListing;
  private versionCheckedAt = Number.NEGATIVE_INFINITY;
  private lastDataVersion = 0;

  constructor(private readonly db: Db) {
    this.meta = createMetaStore(db);
    this.listing = new ReferenceListing(db);
    this.reads = new ByIdReads(db);
    this.sources = new RecordSources(db);
    this.stmts = {
      upsertSet: db.prepare<[string, string | null, string, string]>(
        `INSERT INTO reference_sets (name, source, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET source = excluded.source, updated_at = excluded.updated_at`,
      ),
      setId: db.prepare<[string], { id: number }>('SELECT id FROM reference_sets WHERE name = ?'),
      byHash: db.prepare<[string], { id: number; intent: string | null; set_id: number }>(
        'SELECT id, intent, set_id FROM reference_prompts WHERE content_hash = ?',
      ),
      insertPrompt: db.prepare<[number, string, string | null, string, Buffer | null, string, string]>(
        `INSERT INTO reference_prompts (set_id, text, intent, content_hash, vector, origin, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      updatePrompt: db.prepare<[number, string | null, number]>('UPDATE reference_prompts SET set_id = ?, intent = ? WHERE id = ?'),
      // records = what the seed said + every learned delta since; a seed change moves them by the
      // difference, which may be negative (hence the floor at 0); learned deltas are never negative.
      // The update adds the parameters, not `excluded.*`: those hold the floored insert values, so a
      // negative shift (a re-post that drops or lowers a record) would silently become +0.
      shiftRecord: db.prepare(
        `INSERT INTO records (reference_id, model, wins, losses, ties) VALUES (@id, @model, MAX(0, @wins), MAX(0, @losses), MAX(0, @ties))
         ON CONFLICT(reference_id, model) DO UPDATE SET wins = MAX(0, wins + @wins), losses = MAX(0, losses + @losses), ties = MAX(0, ties + @ties)`,
      ),
      dropEmptyRecords: db.prepare<[number, number]>(
        `DELETE FROM records WHERE reference_id = ? AND wins = 0 AND losses = 0 AND ties = 0
           AND model NOT IN (SELECT model FROM seed_records WHERE reference_id = ?)`,
      ),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      setVector: db.prepare<[Buffer | null, number]>('UPDATE reference_prompts SET vector = ? WHERE id = ?'),
      totals: db.prepare<[], RecordRow>(
        'SELECT 0 AS reference_id, model, SUM(wins) AS wins, SUM(losses) AS losses, SUM(ties) AS ties FROM records GROUP BY model',
      ),
    };
  }

  /**
   * Writes every given set in one transaction, after deleting all references first when `reset`:
   * a seed lands whole or not at all, so a crash never leaves a set half written or a reset store empty.
   * A reset keeps the stored vectors of texts that come back unchanged (same content hash) when
   * `embedder` is the fingerprint they were made with, so `seed --reset` re-embeds only new texts.
   */
  writeSets(
    sets: readonly { name: string; source: string | null; items: readonly ReferenceInput[] }[],
    options: { reset?: boolean; embedder?: string } = {},
  ): SetWriteSummary {
    return writeTransaction(this.db, () => {
      const reuse = options.reset === true && options.embedder !== undefined && this.meta.get(META_KEYS.embedderFingerprint) === options.embedder;
      if (reuse) this.keepVectorsForReset();
      if (options.reset) this.reset();
      const total: SetWriteSummary = { inserted: 0, updated: 0, unchanged: 0 };
      for (const set of sets) {
        const written = this.writeSet(set.name, set.source, set.items);
        for (const key of ['inserted', 'updated', 'unchanged'] as const) total[key] += written[key];
      }
      if (reuse) this.restoreKeptVectors();
      return total;
    })();
  }

  /** Copies content hash → vector into a temp table (in SQLite, not in memory), before a reset deletes them. */
  private keepVectorsForReset(): void {
    this.db.exec(`DROP TABLE IF EXISTS temp.kept_vectors;
      CREATE TEMP TABLE kept_vectors (content_hash TEXT PRIMARY KEY, vector BLOB NOT NULL);
      INSERT INTO temp.kept_vectors SELECT content_hash, vector FROM reference_prompts WHERE vector IS NOT NULL;`);
  }

  /** Gives the re-inserted references their kept vectors, by content hash, and drops the temp table. */
  private restoreKeptVectors(): void {
    this.db.exec(`UPDATE reference_prompts SET vector = (SELECT k.vector FROM temp.kept_vectors k WHERE k.content_hash = reference_prompts.content_hash)
        WHERE vector IS NULL AND content_hash IN (SELECT content_hash FROM temp.kept_vectors);
      DROP TABLE temp.kept_vectors;`);
  }

  /** Writes one whole set in a single transaction: all of it lands, or none. */
  writeSet(name: string, source: string | null, items: readonly ReferenceInput[]): SetWriteSummary {
    return writeTransaction(this.db, () => {
      // A set can move prompts between sets and change their intents and records.
      this.reads.forgetAll();
      const now = new Date().toISOString();
      this.stmts.upsertSet.run(name, source, now, now);
      const setId = this.stmts.setId.get(name)?.id ?? 0;
      const summary: SetWriteSummary = { inserted: 0, updated: 0, unchanged: 0 };
      for (const item of items) summary[this.writeOne(setId, item, now)] += 1;
      if (summary.inserted + summary.updated > 0) this.bumpGeneration();
      return summary;
    })();
  }

  /** New prompts are written without a vector; the index embeds them right after (embedMissing). */
  private writeOne(setId: number, item: ReferenceInput, now: string): keyof SetWriteSummary {
    const existing = this.stmts.byHash.get(item.contentHash);
    // An item without `learned` (a plain set file) keeps what was imported before, as a re-post does.
    const learned = item.learned === undefined ? undefined : withoutZeros(item.learned);
    if (!existing) {
      const id = Number(this.stmts.insertPrompt.run(setId, item.text, item.intent, item.contentHash, null, 'seed', now).lastInsertRowid);
      this.replaceRecords(id, item.records);
      if (learned) this.replaceRecords(id, learned, 'imported');
      return 'inserted';
    }
    const sameRecords = recordsEqual(this.recordsOf(existing.id), item.records);
    const sameLearned = learned === undefined || recordsEqual(this.recordsOf(existing.id, 'imported'), learned);
    if (existing.intent === item.intent && existing.set_id === setId && sameRecords && sameLearned) return 'unchanged';
    this.stmts.updatePrompt.run(setId, item.intent, existing.id);
    if (!sameRecords) this.replaceRecords(existing.id, item.records);
    if (!sameLearned && learned) this.replaceRecords(existing.id, learned, 'imported');
    return 'updated';
  }

  /**
   * The admin API's upsert of one reference, by content hash. Re-post semantics: a field that is
   * given replaces the stored one (`intent: null` clears it; `records` replace the seed records,
   * dropping models they leave out), a field that is left out keeps what is stored; what outcomes
   * taught the reference is kept either way. A new reference joins `setName`; an existing one keeps its set.
   */
  putReference(input: { text: string; contentHash: string; intent?: string | null; records?: Readonly<Record<string, WinRecord>> }, setName: string): { id: number; created: boolean; changed: boolean } {
    return writeTransaction(this.db, () => {
      const existing = this.stmts.byHash.get(input.contentHash);
      const now = new Date().toISOString();
      if (!existing) {
        this.stmts.upsertSet.run(setName, 'admin api', now, now);
        const setId = this.stmts.setId.get(setName)?.id ?? 0;
        const id = Number(this.stmts.insertPrompt.run(setId, input.text, input.intent ?? null, input.contentHash, null, 'admin', now).lastInsertRowid);
        this.replaceRecords(id, input.records ?? {});
        this.bumpGeneration();
        return { id, created: true, changed: true };
      }
      const intent = input.intent === undefined ? existing.intent : input.intent;
      const records = input.records;
      const recordsChange = records !== undefined && !recordsEqual(this.recordsOf(existing.id), records);
      if (intent === existing.intent && !recordsChange) return { id: existing.id, created: false, changed: false };
      this.reads.forget(existing.id);
      this.stmts.updatePrompt.run(existing.set_id, intent, existing.id);
      if (recordsChange) this.replaceRecords(existing.id, records);
      this.bumpGeneration();
      return { id: existing.id, created: false, changed: true };
    })();
  }

  /**
   * New seed (or imported learned) records replace the old; the live records move by the difference,
   * keeping everything else. A record left at zero with no seed record behind it is deleted, as a
   * rebuild from the source tables would never create it: the live table stays what a rebuild gives.
   */
  private replaceRecords(referenceId: number, records: Readonly<Record<string, WinRecord>>, source: RecordSource = 'seed'): void {
    const old = this.recordsOf(referenceId, source);
    this.reads.forgetRecords([referenceId]);
    this.sources.replace(source, referenceId, records);
    for (const model of new Set([...old.keys(), ...Object.keys(records)])) {
      const before = old.get(model) ?? { wins: 0, losses: 0, ties: 0 };
      const after = records[model] ?? { wins: 0, losses: 0, ties: 0 };
      this.stmts.shiftRecord.run({ id: referenceId, model, wins: after.wins - before.wins, losses: after.losses - before.losses, ties: after.ties - before.ties });
    }
    this.stmts.dropEmptyRecords.run(referenceId, referenceId);
  }

  /** Re-derives every record from the source tables (seed records + imported learned + learned deltas). */
  recomputeAllRecords(): void {
    writeTransaction(this.db, () => {
      this.reads.forgetAllRecords();
      this.db.prepare('DELETE FROM records').run();
      this.db
        .prepare(
          `INSERT INTO records (reference_id, model, wins, losses, ties)
           SELECT reference_id, model, MAX(0, SUM(wins)), MAX(0, SUM(losses)), MAX(0, SUM(ties)) FROM (
             SELECT reference_id, model, wins, losses, ties FROM seed_records
             UNION ALL
             SELECT reference_id, model, wins, losses, ties FROM imported_learned
             UNION ALL
             SELECT d.value ->> '$.referenceId', d.value ->> '$.model', d.value ->> '$.wins', d.value ->> '$.losses', d.value ->> '$.ties'
             FROM outcomes o, json_each(o.deltas) d
             WHERE d.value ->> '$.referenceId' IN (SELECT id FROM reference_prompts))
           GROUP BY reference_id, model`,
        )
        .run();
    })();
  }

  private recordsOf(referenceId: number, source: RecordSource = 'seed'): Map<string, WinRecord> {
    return this.sources.of(source, referenceId);
  }

  /** The neighbours' texts, intents and sets by id (served from memory when hot). */
  references(ids: readonly number[]): Map<number, ReferencePrompt> {
    return this.reads.references(ids);
  }

  /** Which of `ids` still exist: a rowid lookup each, no join and no text. */
  existingIds(ids: readonly number[]): Set<number> {
    return this.reads.existingIds(ids);
  }

  /** Each reference's records by model; a reference without records is absent. */
  records(ids: readonly number[]): Map<number, ModelRecords> {
    return this.reads.records(ids);
  }

  /** Adds deltas to the records, one upsert per (reference, model) however many deltas name it. */
  addToRecords(deltas: readonly RecordDelta[]): void {
    const sums = new Map<string, RecordDelta>();
    for (const d of deltas) {
      const key = `${d.referenceId}\u0000${d.model}`;
      const sum = sums.get(key);
      sums.set(key, sum ? { ...sum, wins: sum.wins + d.wins, losses: sum.losses + d.losses, ties: sum.ties + d.ties } : d);
    }
    for (const d of sums.values()) this.stmts.shiftRecord.run({ id: d.referenceId, model: d.model, wins: d.wins, losses: d.losses, ties: d.ties });
    this.reads.forgetRecords(deltas.map((d) => d.referenceId));
  }

  /** Each model's record summed over every reference: the prior the policy shrinks toward. */
  modelTotals(): Map<string, WinRecord> {
    return new Map(this.stmts.totals.all().map((r) => [r.model, { wins: r.wins, losses: r.losses, ties: r.ties }]));
  }

  /** Per intent, each model's record summed over that intent's references (references without an intent are left out). */
  intentTotals(): Map<string, Map<string, WinRecord>> {
    const rows = this.db
      .prepare<[], WinRecord & { intent: string; model: string }>(
        `SELECT p.intent AS intent, r.model AS model, SUM(r.wins) AS wins, SUM(r.losses) AS losses, SUM(r.ties) AS ties
           FROM records r JOIN reference_prompts p ON p.id = r.reference_id WHERE p.intent IS NOT NULL GROUP BY p.intent, r.model`,
      )
      .all();
    const out = new Map<string, Map<string, WinRecord>>();
    for (const r of rows) {
      const byModel = out.get(r.intent) ?? new Map<string, WinRecord>();
      out.set(r.intent, byModel.set(r.model, { wins: r.wins, losses: r.losses, ties: r.ties }));
    }
    return out;
  }

  *vectors(): IterableIterator<{ id: number; vector: Float32Array }> {
    const stmt = this.db.prepare<[], { id: number; vector: Buffer }>('SELECT id, vector FROM reference_prompts WHERE vector IS NOT NULL ORDER BY id');
    for (const row of stmt.iterate()) yield { id: row.id, vector: blobToVector(row.vector) };
  }

  /** The ids of the references that have a vector (what the index should hold). */
  vectorIds(): Set<number> {
    return new Set(this.db.prepare<[], number>('SELECT id FROM reference_prompts WHERE vector IS NOT NULL').pluck().all());
  }

  /** The vectors of `ids` (those that exist and have one). */
  vectorsOf(ids: readonly number[]): { id: number; vector: Float32Array }[] {
    const stmt = this.db.prepare<[number], Buffer>('SELECT vector FROM reference_prompts WHERE id = ? AND vector IS NOT NULL').pluck();
    return ids.flatMap((id) => {
      const blob = stmt.get(id);
      return blob ? [{ id, vector: blobToVector(blob) }] : [];
    });
  }

  /** Every reference text with its id, for re-embedding under a new embedder. */
  texts(): { id: number; text: string; intent: string | null }[] {
    return this.db.prepare<[], { id: number; text: string; intent: string | null }>('SELECT id, text, intent FROM reference_prompts ORDER BY id').all();
  }

  /** Stores the vectors; returns the ids whose row still exists (a deleted one is skipped). */
  setVectors(items: readonly { id: number; vector: Float32Array }[]): Set<number> {
    return writeTransaction(this.db, () => {
      const stored = new Set(items.filter((item) => this.stmts.setVector.run(vectorToBlob(item.vector), item.id).changes > 0).map((item) => item.id));
      if (stored.size > 0) this.bumpGeneration();
      return stored;
    })();
  }

  idByHash(hash: string): number | null {
    return this.stmts.byHash.get(hash)?.id ?? null;
  }

  /** A reference learned from outcomes, in the 'learned' set; call inside a transaction. */
  insertLearned(input: { text: string; intent: string | null; contentHash: string; vector: Float32Array }): number {
    const now = new Date().toISOString();
    this.stmts.upsertSet.run('learned', 'outcomes', now, now);
    const setId = this.stmts.setId.get('learned')?.id ?? 0;
    const blob = vectorToBlob(input.vector);
    const id = Number(this.stmts.insertPrompt.run(setId, input.text, input.intent, input.contentHash, blob, 'learned', now).lastInsertRowid);
    this.bumpGeneration();
    return id;
  }

  /** Deletes one reference with its records; returns whether it existed. */
  remove(id: number): boolean {
    // One transaction: the generation bump reads then writes, and another process may bump it too.
    return writeTransaction(this.db, () => {
      const changed = this.db.prepare('DELETE FROM reference_prompts WHERE id = ?').run(id).changes > 0;
      this.reads.forget(id);
      if (changed) this.bumpGeneration();
      return changed;
    })();
  }

  /** Every reference with its seed and learned records apart, and the id of this database (see reference-export.ts). */
  exportAll(): { database: string; references: ExportedReference[] } {
    return { database: databaseId(this.db), references: exportReferences(this.db) };
  }

  /** This database's id if an export ever made one: a file exported from here names it. */
  storedDatabaseId(): string | undefined {
    return this.meta.get(META_KEYS.databaseId);
  }

  textsWithoutVectors(): { id: number; text: string }[] {
    return this.db.prepare<[], { id: number; text: string }>('SELECT id, text FROM reference_prompts WHERE vector IS NULL ORDER BY id').all();
  }

  countWithVectors(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM reference_prompts WHERE vector IS NOT NULL').get()?.n ?? 0;
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM reference_prompts').get()?.n ?? 0;
  }

  stats(): ReferenceStats {
    const row = this.db
      .prepare<[], ReferenceStats>(
        `SELECT (SELECT COUNT(*) FROM reference_sets) AS sets, (SELECT COUNT(*) FROM reference_prompts) AS prompts,
                (SELECT COUNT(DISTINCT intent) FROM reference_prompts) AS intents, (SELECT COUNT(DISTINCT model) FROM records) AS models`,
      )
      .get();
    return row ?? { sets: 0, prompts: 0, intents: 0, models: 0 };
  }

  /** Deletes every reference set, prompt and record (decisions are kept). */
  reset(): void {
    writeTransaction(this.db, () => {
      this.reads.forgetAll();
      this.db.prepare('DELETE FROM reference_sets').run();
      this.bumpGeneration();
    })();
  }

  /**
   * Changes when another connection commits (PRAGMA data_version, read at most every
   * VERSION_CHECK_MS): e.g. `npm run seed` from another process changed records behind this one's back.
   */
  externalVersion(): number {
    const now = performance.now();
    if (now - this.versionCheckedAt >= VERSION_CHECK_MS) {
      this.versionCheckedAt = now;
      this.lastDataVersion = this.stmts.dataVersion.get() ?? 0;
    }
    return this.lastDataVersion;
  }

  generation(): number {
    return Number(this.meta.get(META_KEYS.referenceGeneration) ?? '0');
  }

  private bumpGeneration(): void {
    this.meta.set(META_KEYS.referenceGeneration, String(this.generation() + 1));
  }
}

function recordsEqual(stored: ReadonlyMap<string, WinRecord>, wanted: Readonly<Record<string, WinRecord>>): boolean {
  const entries = Object.entries(wanted);
  if (entries.length !== stored.size) return false;
  return entries.every(([model, r]) => {
    const s = stored.get(model);
    return s !== undefined && s.wins === r.wins && s.losses === r.losses && s.ties === r.ties;
  });
}
