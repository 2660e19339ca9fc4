import type { ProxyConfig } from '../config/schema.js';
import { ALL_KEYS, budgetKeysOf, periodsOf, type SqliteSpendStore } from '../store/spend-store.js';

export interface BudgetState {
  /** The smallest remaining share over every limit that applies (1 = untouched, 0 = exhausted). */
  readonly remaining: number;
  readonly exhausted: boolean;
  /** Which limit is the tightest, for the error message. */
  readonly tightest: string | null;
}

type Limit = { dailyUsd?: number | undefined; monthlyUsd?: number | undefined };
type Budgets = ProxyConfig['budgets'];

/** A request's expected cost, held against its budgets from admission until its spend is written. */
export interface Reservation {
  readonly keys: readonly string[];
  usd: number;
}

/**
 * Budgets that hold under concurrency. Spend lives in SQLite (it survives restarts); the cost of
 * requests in flight is held here from admission until their spend has committed. A request is
 * admitted while committed spend + held costs is under every limit it falls under, so N
 * concurrent requests overshoot a budget by at most one request's cost.
 */
export class BudgetLedger {
  private readonly held = new Map<string, number>();

  constructor(
    private readonly spend: SqliteSpendStore,
    private readonly budgets: () => Budgets,
  ) {}

  /** How much of the global and the key's budgets is left, today and this month, held costs included. */
  state(apiKey: string | null, at: Date): BudgetState {
    const { day, month } = periodsOf(at);
    let remaining = 1;
    let tightest: string | null = null;
    for (const { name, key, limit } of limitsOf(this.budgets(), apiKey)) {
      const held = this.held.get(key) ?? 0;
      for (const [label, period, usd] of [['daily', day, limit.dailyUsd], ['monthly', month, limit.monthlyUsd]] as const) {
        if (usd === undefined) continue;
        const share = Math.max(0, 1 - (this.spend.spent(key, period) + held) / usd);
        if (tightest === null || share < remaining) tightest = `${name} ${label} budget of $${usd}`;
        remaining = Math.min(remaining, share);
      }
    }
    return { remaining, exhausted: remaining <= 0, tightest };
  }

  /** Holds `usd` against every budget the key falls under. Synchronous with state(): no await in between. */
  reserve(apiKey: string | null, usd: number): Reservation {
    const reservation: Reservation = { keys: budgetKeysOf(apiKey), usd: 0 };
    this.resize(reservation, usd);
    return reservation;
  }

  /** Changes the held amount (e.g. once routing knows the model and its price). */
  resize(reservation: Reservation, usd: number): void {
    const delta = usd - reservation.usd;
    for (const key of reservation.keys) this.held.set(key, (this.held.get(key) ?? 0) + delta);
    reservation.usd = usd;
  }

  /** Lets go of the hold; call once the actual spend has committed to SQLite (or none was made). */
  release(reservation: Reservation): void {
    this.resize(reservation, 0);
    for (const key of reservation.keys) if ((this.held.get(key) ?? 0) <= 1e-12) this.held.delete(key);
  }
}

function limitsOf(config: Budgets, apiKey: string | null): { name: string; key: string; limit: Limit }[] {
  const limits: { name: string; key: string; limit: Limit }[] = [];
  if (config.global) limits.push({ name: 'global', key: ALL_KEYS, limit: config.global });
  const own = apiKey === null ? undefined : config.keys.find((k) => k.name === apiKey);
  if (own) limits.push({ name: `key ${own.name}`, key: own.name, limit: own });
  return limits;
}

/** As the budget shrinks, price matters more: costWeight grows by pressure × share spent. */
export function pressuredCostWeight(base: number, state: BudgetState, pressure: number): number {
  return base + pressure * (1 - state.remaining);
}
