import type { Config } from '../config/schema.js';
import type { Learner } from '../routing/learner.js';
import type { Router } from '../routing/router.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { SqliteAttemptStore } from '../store/attempt-store.js';
import type { Db } from '../store/db.js';
import { SqliteSpendStore } from '../store/spend-store.js';
import type { WriteQueue } from '../store/write-queue.js';
import { AttemptLog } from './attempt-log.js';
import { BudgetLedger } from './budget.js';
import { ChatProxy } from './chat-proxy.js';
import { CircuitBreaker } from './circuit-breaker.js';

export interface ChatProxyWiring {
  readonly db: Db;
  readonly queue: WriteQueue;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Getters: the learner is built after the proxy, and the router and config are replaced on reload. */
  readonly learner: () => Learner;
  readonly router: () => Router;
  readonly config: () => Config;
  /** Where upstream API keys are read from, by the names in `catalog[].upstream.apiKeyEnv`. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Builds the front door and its stores (`serve` warns about unset upstream keys: upstream-keys.ts). */
export function createChatProxy(w: ChatProxyWiring): ChatProxy {
  const logger = w.logger.child({ module: 'proxy' });
  const spend = new SqliteSpendStore(w.db);
  const ledger = new BudgetLedger(spend, () => w.config().proxy.budgets);
  const log = new AttemptLog({
    get learner() {
      return w.learner();
    },
    catalog: () => w.config().catalog,
    attempts: new SqliteAttemptStore(w.db),
    spend,
    ledger,
    queue: w.queue,
    metrics: w.metrics,
    logger,
  });
  return new ChatProxy({
    router: w.router,
    catalog: () => w.config().catalog,
    config: () => w.config().proxy,
    routing: () => w.config().routing,
    // Read by the current catalog, so an upstream added or re-keyed by a config reload gets its key.
    upstreamKey: (model) => {
      const name = w.config().catalog.find((m) => m.id === model)?.upstream?.apiKeyEnv;
      return name === undefined ? undefined : w.env[name];
    },
    breaker: new CircuitBreaker(() => w.config().proxy.cooldown),
    ledger,
    log,
    metrics: w.metrics,
  });
}
