import { writeTransaction, type Db } from './db.js';

/** Small key/value facts: the embedder fingerprint, the reference generation, calibrated values. */
export interface MetaStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export function createMetaStore(db: Db): MetaStore {
  const getStmt = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setStmt = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  // Through writeTransaction (a savepoint when nested): a set outside a transaction (the routing
  // fit's and the calibration's caches, the embedder fingerprint) then meets another process's
  // lock the same way every other write does, STORE_BUSY past busy_timeout instead of a raw SqliteError.
  const set = writeTransaction(db, (key: string, value: string) => void setStmt.run(key, value));
  return {
    get: (key) => getStmt.get(key)?.value,
    set,
  };
}

export const META_KEYS = {
  embedderFingerprint: 'embedder_fingerprint',
  /** Bumped on every change to the reference prompts; the index file records the one it holds. */
  referenceGeneration: 'reference_generation',
  /** Made on the first export; an export names it, so seeding it back here does not count its learning twice. */
  databaseId: 'database_id',
} as const;
