import type { Db } from './db.js';

/** The key every request also counts under, for the global budget. */
export const ALL_KEYS = '*';

/** Day and month periods in UTC, e.g. day:2026-11-23 and month:2026-11. */
export function periodsOf(at: Date): { day: string; month: string } {
  const iso = at.toISOString();
  return { day: `day:${iso.slice(0, 10)}`, month: `month:${iso.slice(0, 7)}` };
}

/** The budget keys a request's spend counts under: its own key (if any) and ALL_KEYS. */
export function budgetKeysOf(apiKey: string | null): string[] {
  return apiKey === null ? [ALL_KEYS] : [apiKey, ALL_KEYS];
}

export class SqliteSpendStore {
  private readonly addStmt;
  private readonly spentStmt;
  private readonly byModelStmt;

  constructor(db: Db) {
    this.addStmt = db.prepare(
      `INSERT INTO spend (period, api_key, model, usd, estimated_usd, requests) VALUES (@period, @apiKey, @model, @usd, @estimatedUsd, 1)
       ON CONFLICT(period, api_key, model) DO UPDATE SET usd = usd + excluded.usd, estimated_usd = estimated_usd + excluded.estimated_usd, requests = requests + 1`,
    );
    this.spentStmt = db.prepare<[string, string], { usd: number | null }>('SELECT SUM(usd) AS usd FROM spend WHERE period = ? AND api_key = ?');
    this.byModelStmt = db.prepare<[string], { apiKey: string; model: string; usd: number }>(
      'SELECT api_key AS apiKey, model, usd FROM spend WHERE period = ? ORDER BY api_key, model',
    );
  }

  /**
   * Records one request's cost under the key and under ALL_KEYS, for today and this month.
   * `estimated` marks a cost computed from estimated tokens (the upstream gave no usage).
   */
  add(input: { apiKey: string | null; model: string; usd: number; at: Date; estimated?: boolean }): void {
    const { day, month } = periodsOf(input.at);
    const keys = budgetKeysOf(input.apiKey);
    const estimatedUsd = input.estimated === true ? input.usd : 0;
    for (const period of [day, month]) for (const apiKey of keys) this.addStmt.run({ period, apiKey, model: input.model, usd: input.usd, estimatedUsd });
  }

  spent(apiKey: string, period: string): number {
    return this.spentStmt.get(period, apiKey)?.usd ?? 0;
  }

  byModel(period: string): { apiKey: string; model: string; usd: number }[] {
    return this.byModelStmt.all(period);
  }
}
