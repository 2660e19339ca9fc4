import type { CatalogModel } from '../config/schema.js';
import type { Learner } from '../routing/learner.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { ModelAttemptStats, SqliteAttemptStore } from '../store/attempt-store.js';
import type { SqliteSpendStore } from '../store/spend-store.js';
import type { WriteQueue } from '../store/write-queue.js';
import type { BudgetLedger, Reservation } from './budget.js';
import { costOf, type CountedUsage } from './usage.js';
import type { VerdictKind } from './verdict.js';

export interface AttemptLogDeps {
  readonly learner: Learner;
  readonly catalog: () => readonly CatalogModel[];
  readonly attempts: SqliteAttemptStore;
  readonly spend: SqliteSpendStore;
  readonly ledger: BudgetLedger;
  readonly queue: WriteQueue;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export interface AttemptRecord {
  readonly decisionId: string;
  readonly apiKey: string | null;
  readonly model: string;
  readonly verdict: VerdictKind;
  readonly latencyMs: number;
  readonly usage?: CountedUsage;
}

/**
 * Writes what the front door saw, off the request's path: one attempt-log row per upstream call
 * (logs for latency, cost and reliability; never a win-record change), spend with its usage
 * marked estimated or not, and, only for answer checks, a quality outcome through the learner.
 */
export class AttemptLog {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: AttemptLogDeps) {}

  attempt(record: AttemptRecord): Promise<void> {
    const entry = this.deps.catalog().find((m) => m.id === record.model);
    const costUsd = record.usage && entry ? costOf(entry, record.usage) : null;
    this.deps.metrics.attempts.inc({ model: record.model, result: record.verdict });
    return this.track(
      this.deps.queue.run(() => {
        this.deps.attempts.insert({
          decisionId: record.decisionId,
          model: record.model,
          verdict: record.verdict,
          latencyMs: record.latencyMs,
          costUsd,
          usageEstimated: record.usage?.estimated ?? false,
        });
        if (costUsd !== null && costUsd > 0) this.deps.spend.add({ apiKey: record.apiKey, model: record.model, usd: costUsd, at: new Date(), estimated: record.usage?.estimated ?? false });
      }, { durable: false }).then(() => {
        if (costUsd !== null) this.deps.metrics.spend.inc({ model: record.model, key: record.apiKey ?? 'anonymous' }, costUsd);
      }),
    );
  }

  /** An answer check's verdict on a model: the one proxy-made quality outcome (a success of 1 or 0). */
  answerCheck(input: { decisionId: string; model: string; passed: boolean; latencyMs: number }): void {
    void this.track(
      this.deps.learner.record({ decisionId: input.decisionId, model: input.model, kind: 'success', value: input.passed ? 1 : 0, latencyMs: input.latencyMs, source: 'answer_check', durable: false }),
    );
  }

  /** Lets go of a budget hold once `after` (the request's last spend write) has committed. */
  settle(reservation: Reservation, after: Promise<void> = Promise.resolve()): void {
    void after.finally(() => this.deps.ledger.release(reservation));
  }

  /** Per-model reliability from the attempt log. */
  stats(): ModelAttemptStats[] {
    return this.deps.attempts.modelStats();
  }

  /** Resolves when every write so far has committed. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(write: Promise<unknown>): Promise<void> {
    const safe = write.then(
      () => undefined,
      (error: unknown) => this.deps.logger.error({ err: error }, 'could not record a proxy attempt'),
    );
    this.pending.add(safe);
    void safe.finally(() => this.pending.delete(safe));
    return safe;
  }
}
