import type { Logger } from '../shared/logger.js';
import type { SqliteDecisionStore } from './decision-store.js';
import type { WriteQueue } from './write-queue.js';

export interface RetentionDeps {
  readonly decisions: Pick<SqliteDecisionStore, 'forgetTextBefore'>;
  readonly queue: Pick<WriteQueue, 'run'>;
  readonly logger: Logger;
  /** Read at every sweep, so a config reload applies (log.retentionDays). */
  readonly retentionDays: () => number;
  readonly now?: () => Date;
  /** Checked between steps: a sweep stops once the store is closing. */
  readonly stopped?: () => boolean;
}

/** Rows cleared per write: each step is one short transaction, so routes never wait long behind it. */
const STEP = 2_000;
const DAY_MS = 86_400_000;

/**
 * Clears stored prompt text (kept and clear) older than the retention window, in bounded steps
 * through the write queue. Returns how many decisions lost their text.
 */
export async function sweepExpiredText(deps: RetentionDeps): Promise<number> {
  const before = new Date((deps.now ?? (() => new Date()))().getTime() - deps.retentionDays() * DAY_MS).toISOString();
  let total = 0;
  for (;;) {
    const cleared = await deps.queue.run(() => deps.decisions.forgetTextBefore(before, STEP), { durable: false });
    total += cleared;
    if (cleared < STEP || deps.stopped?.()) break;
  }
  if (total > 0) deps.logger.info({ cleared: total, before }, 'retention sweep cleared stored prompt text');
  return total;
}

/** Sweeps once now and then every `intervalMs` (default hourly); the timer does not keep the process alive. */
export function startRetentionSweep(deps: RetentionDeps, intervalMs = 3_600_000): { stop(): void } {
  let stopped = false;
  const run = () => void sweepExpiredText({ ...deps, stopped: () => stopped }).catch((error: unknown) => deps.logger.error({ err: error }, 'retention sweep failed'));
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
