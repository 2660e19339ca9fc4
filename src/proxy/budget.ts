import type { ProxyConfig } from '../config/schema.js';
import { ALL_KEYS, periodsOf, type SqliteSpendStore } from '../store/spend-store.js';

export interface BudgetState {
  /** The smallest remaining share over every limit that applies (1 = untouched, 0 = exhausted). */
  readonly remaining: number;
  readonly exhausted: boolean;
  /** Which limit is the tightest, for the error message. */
  readonly tightest: string | null;
}

type Limit = { dailyUsd?: number | undefined; monthlyUsd?: number | undefined };

/** How much of the global and the key's budgets is left, today and this month. */
export function budgetState(config: ProxyConfig['budgets'], spend: SqliteSpendStore, apiKey: string | null, at: Date): BudgetState {
  const { day, month } = periodsOf(at);
  const limits: { name: string; key: string; limit: Limit }[] = [];
  if (config.global) limits.push({ name: 'global', key: ALL_KEYS, limit: config.global });
  const own = apiKey === null ? undefined : config.keys.find((k) => k.name === apiKey);
  if (own) limits.push({ name: `key ${own.name}`, key: own.name, limit: own });
  let remaining = 1;
  let tightest: string | null = null;
  for (const { name, key, limit } of limits) {
    for (const [label, period, usd] of [['daily', day, limit.dailyUsd], ['monthly', month, limit.monthlyUsd]] as const) {
      if (usd === undefined) continue;
      const share = Math.max(0, 1 - spend.spent(key, period) / usd);
      if (share < remaining || tightest === null) {
        if (share <= remaining) tightest = `${name} ${label} budget of $${usd}`;
        remaining = Math.min(remaining, share);
      }
    }
  }
  return { remaining, exhausted: remaining <= 0, tightest };
}

/** As the budget shrinks, price matters more: costWeight grows by pressure × share spent. */
export function pressuredCostWeight(base: number, state: BudgetState, pressure: number): number {
  return base + pressure * (1 - state.remaining);
}
