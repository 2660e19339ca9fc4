import type { Db } from './db.js';

/** The key every request also counts under, for the global budget. */
export const ALL_KEYS = '*';

/** Day and month periods in UTC, e.g. day:2026-11-23 and month:2026-11. */
export function periodsOf(at: Date): { day: string; month: string } {
  const iso = at.toISOString();
  return { day: `day:${iso.slice(0, 10)}`, month: `month:${iso.slice(0, 7)}` };
}

export class SqliteSpendStore {
  private readonly addStmt;
  private readonly spentStmt;
  private readonly byModelStmt;

  constructor(db: Db) {
    this.addStmt = db.prepare(
      `INSERT INTO spend (period, api_key, model, usd, requests) VALUES (@period, @apiKey, @model, @usd, 1)
       ON CONFLICT(period, api_key, model) DO UPDATE SET usd = usd + excluded.usd, requests = requests + 1`,
    );
    this.spentStmt = db.prepare<[string, string], { usd: number | null }>('SELECT SUM(usd) AS usd FROM spend WHERE period = ? AND api_key = ?');
    this.byModelStmt = db.prepare<[string], { apiKey: string; model: string; usd: number }>(
      'SELECT api_key AS apiKey, model, usd FROM spend WHERE period = ? ORDER BY api_key, model',
    );
  }

  /** Records one request's cost under the key and under ALL_KEYS, for today and this month. */
  add(input: { apiKey: string | null; model: string; usd: number; at: Date }): void {
    const { day, month } = periodsOf(input.at);
    const keys = input.apiKey === null ? [ALL_KEYS] : [input.apiKey, ALL_KEYS];
    for (const period of [day, month]) for (const apiKey of keys) this.addStmt.run({ period, apiKey, model: input.model, usd: input.usd });
  }

  spent(apiKey: string, period: string): number {
    return this.spentStmt.get(period, apiKey)?.usd ?? 0;
  }

  byModel(period: string): { apiKey: string; model: string; usd: number }[] {
    return this.byModelStmt.all(period);
  }
}
