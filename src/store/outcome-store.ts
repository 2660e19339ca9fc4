import type { Db } from './db.js';
import type { RecordDelta } from './types.js';

export type OutcomeKind = 'success' | 'score' | 'pairwise';

export interface OutcomeRow {
  readonly idempotencyKey: string | null;
  readonly decisionId: string | null;
  readonly promptHash: string;
  readonly model: string;
  readonly kind: OutcomeKind;
  /** 1/0 for success, the score, or 1/0.5/0 for a pairwise win/tie/loss. */
  readonly value: number;
  readonly opponent: string | null;
  readonly latencyMs: number | null;
  readonly costUsd: number | null;
  readonly source: string | null;
}

export interface StoredOutcome extends OutcomeRow {
  readonly id: number;
  readonly createdAt: string;
}

/** A stored outcome with what it did: enough to answer a retry of it exactly as the first time. */
export interface RecordedOutcome extends StoredOutcome {
  /** References whose records it moved, in the order first named. */
  readonly learnedInto: number[];
  readonly promotedReferenceId: number | null;
}

export interface ModelOutcomeStats {
  readonly model: string;
  readonly trials: number;
  readonly meanValue: number | null;
  readonly meanLatencyMs: number | null;
  readonly meanCostUsd: number | null;
}

const COLUMNS = `id, idempotency_key AS idempotencyKey, decision_id AS decisionId, prompt_hash AS promptHash, model, kind, value,
  opponent, latency_ms AS latencyMs, cost_usd AS costUsd, source, created_at AS createdAt`;

/** Outcomes and the record deltas they caused; call these inside a transaction (see WriteQueue). */
export class SqliteOutcomeStore {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      byKey: db.prepare<[string], StoredOutcome & { deltas: string; promotedReferenceId: number | null }>(
        `SELECT ${COLUMNS}, deltas, promoted_reference_id AS promotedReferenceId FROM outcomes WHERE idempotency_key = ?`,
      ),
      insert: db.prepare<[string | null, string | null, string, string, OutcomeKind, number, string | null, number | null, number | null, string | null, string, number | null, string]>(
        `INSERT INTO outcomes (idempotency_key, decision_id, prompt_hash, model, kind, value, opponent, latency_ms, cost_usd, source, deltas, promoted_reference_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      forDecision: db.prepare<[string], StoredOutcome>(`SELECT ${COLUMNS} FROM outcomes WHERE decision_id = ? ORDER BY id`),
      forPrompt: db.prepare<[string], StoredOutcome>(`SELECT ${COLUMNS} FROM outcomes WHERE prompt_hash = ? ORDER BY id`),
      stats: db.prepare<[], ModelOutcomeStats>(
        `SELECT model, COUNT(*) AS trials, AVG(value) AS meanValue, AVG(latency_ms) AS meanLatencyMs, AVG(cost_usd) AS meanCostUsd
         FROM outcomes GROUP BY model ORDER BY model`,
      ),
    };
  }

  byIdempotencyKey(key: string): RecordedOutcome | undefined {
    const row = this.stmts.byKey.get(key);
    if (!row) return undefined;
    const { deltas, ...outcome } = row;
    const ids = (JSON.parse(deltas) as { referenceId: number }[]).map((d) => d.referenceId);
    return { ...outcome, learnedInto: [...new Set(ids)] };
  }

  /**
   * Inserts the outcome with its deltas (returns its id) but leaves the records alone: the caller
   * applies the deltas with SqliteReferenceStore.addToRecords in the same transaction, summed with the other
   * outcomes of its group-commit batch (see WriteQueue.batchStep).
   */
  insertWithoutRecords(outcome: OutcomeRow, deltas: readonly RecordDelta[], promotedReferenceId: number | null = null): number {
    const o = outcome;
    const createdAt = new Date().toISOString();
    const info = this.stmts.insert.run(o.idempotencyKey, o.decisionId, o.promptHash, o.model, o.kind, o.value, o.opponent, o.latencyMs, o.costUsd, o.source, JSON.stringify(deltas), promotedReferenceId, createdAt);
    return Number(info.lastInsertRowid);
  }

  forDecision(decisionId: string): StoredOutcome[] {
    return this.stmts.forDecision.all(decisionId);
  }

  forPrompt(promptHash: string): StoredOutcome[] {
    return this.stmts.forPrompt.all(promptHash);
  }

  modelStats(): ModelOutcomeStats[] {
    return this.stmts.stats.all();
  }
}
