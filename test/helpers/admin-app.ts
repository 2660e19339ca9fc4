import { appDepsOf, bootstrap, type Deps } from '../../src/cli/bootstrap.js';
import type { Embedder } from '../../src/embedding/embedder.js';
import { createApp } from '../../src/server/app.js';
import { silentLogger } from '../../src/shared/logger.js';
import { fixtureConfig, startLexical } from './lexical-deps.js';
import { tempDir } from './test-deps.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A lexical-embedder service over the fixture sets with admin on, and a JSON caller for it. */
export async function startAdminApp(overrides: Record<string, unknown> = {}, options: { embedder?: Embedder } = {}) {
  const { dir, cleanup } = tempDir();
  const config = fixtureConfig(dir, { admin: { token: ADMIN_TOKEN }, ...overrides });
  const deps: Deps = options.embedder ? await bootstrap(config, silentLogger(), { embedder: options.embedder }) : await startLexical(config);
  const app = createApp(appDepsOf(deps, silentLogger()));
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    });
  return { deps, app, call, dir, stop: () => (deps.close(), cleanup()) };
}

/** The records table for one reference, read straight from SQLite: the truth a route must match. */
export function sqliteRecords(deps: Deps, id: number): Record<string, { wins: number; losses: number; ties: number }> {
  const rows = deps.db.prepare<[number], { model: string; wins: number; losses: number; ties: number }>('SELECT model, wins, losses, ties FROM records WHERE reference_id = ? ORDER BY model').all(id);
  return Object.fromEntries(rows.map((r) => [r.model, { wins: r.wins, losses: r.losses, ties: r.ties }]));
}

/** What a route reads for one reference, through the store's read cache. */
export function liveRecords(deps: Deps, id: number): Record<string, { wins: number; losses: number; ties: number }> {
  const byModel = deps.references.records([id]).get(id) ?? new Map();
  return Object.fromEntries([...byModel].sort(([a], [b]) => a.localeCompare(b)));
}
