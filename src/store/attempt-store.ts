import type { Db } from './db.js';

export interface AttemptRow {
  readonly decisionId: string;
  readonly model: string;
  /** The verdict kind from proxy/verdict.ts, e.g. ok, retry_after, cancelled. */
  readonly verdict: string;
  readonly latencyMs: number | null;
  readonly costUsd: number | null;
  readonly usageEstimated: boolean;
}

export interface StoredAttempt extends AttemptRow {
  readonly id: number;
  readonly createdAt: string;
}

export interface ModelAttemptStats {
  readonly model: string;
  readonly attempts: number;
  readonly okRate: number | null;
  readonly meanLatencyMs: number | null;
  readonly meanCostUsd: number | null;
}

/** The front door's attempt log (logs, not quality outcomes); write inside the WriteQueue. */
export class SqliteAttemptStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare<[string, string, string, number | null, number | null, number, string]>(
        'INSERT INTO attempts (decision_id, model, verdict, latency_ms, cost_usd, usage_estimated, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      forDecision: db.prepare<[string], Omit<StoredAttempt, 'usageEstimated'> & { usageEstimated: number }>(
        `SELECT id, decision_id AS decisionId, model, verdict, latency_ms AS latencyMs, cost_usd AS costUsd,
                usage_estimated AS usageEstimated, created_at AS createdAt FROM attempts WHERE decision_id = ? ORDER BY id`,
      ),
      stats: db.prepare<[], ModelAttemptStats>(
        `SELECT model, COUNT(*) AS attempts, AVG(verdict = 'ok') AS okRate,
                AVG(CASE WHEN verdict = 'ok' THEN latency_ms END) AS meanLatencyMs, AVG(cost_usd) AS meanCostUsd
         FROM attempts WHERE verdict <> 'cancelled' GROUP BY model ORDER BY model`,
      ),
    };
  }

  insert(row: AttemptRow): void {
    this.stmts.insert.run(row.decisionId, row.model, row.verdict, row.latencyMs, row.costUsd, row.usageEstimated ? 1 : 0, new Date().toISOString());
  }

  forDecision(decisionId: string): StoredAttempt[] {
    return this.stmts.forDecision.all(decisionId).map((r) => ({ ...r, usageEstimated: r.usageEstimated === 1 }));
  }

  /** Per-model reliability from the log: attempts, share answered ok, mean latency of ok answers, mean cost. */
  modelStats(): ModelAttemptStats[] {
    return this.stmts.stats.all();
  }
}
