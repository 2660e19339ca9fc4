import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../shared/errors.js';

/** The database handle type the repositories take; only this module opens better-sqlite3. */
export type Db = BetterSqlite3.Database;

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (and migrates) the database. WAL with synchronous=FULL: a commit is on disk before we
 * acknowledge it, and a reader never blocks the writer.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);
  return db;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(path.join(dir, f), 'utf8') }));
}

/** Applies pending migrations, each in its own transaction, tracked by PRAGMA user_version. */
export function migrate(db: Db, migrations = loadMigrations()): number {
  let version = Number(db.pragma('user_version', { simple: true }));
  const latest = migrations.at(-1)?.version ?? 0;
  if (version > latest) {
    throw new AppError('INTERNAL', `database schema version ${version} is newer than this build knows (${latest})`);
  }
  for (const m of migrations) {
    if (m.version <= version) continue;
    writeTransaction(db, () => {
      // Another process opening the same file may have applied it since we read the version.
      if (Number(db.pragma('user_version', { simple: true })) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    version = m.version;
  }
  return version;
}

/**
 * Wraps `work` as a transaction that takes the write lock at its start (BEGIN IMMEDIATE); nested in
 * another transaction it is a savepoint, like db.transaction's. Every write transaction uses it: a
 * deferred one that reads before it writes cannot wait for another connection's write lock, and
 * SQLite fails its first write with SQLITE_BUSY at once, whatever busy_timeout says
 * (https://sqlite.org/lang_transaction.html, "Read transactions versus write transactions"). That is
 * what an admin add hit while `npm run seed` committed from another process. Taken at BEGIN, the
 * lock is waited for, up to busy_timeout.
 */
export function writeTransaction<A extends unknown[], R>(db: Db, work: (...args: A) => R): (...args: A) => R {
  const transaction = db.transaction(work);
  return (...args) => {
    try {
      return transaction.immediate(...args);
    } catch (error) {
      throw busyAsStoreBusy(error);
    }
  };
}

/**
 * A lock still held by another process when busy_timeout ran out (a seed writing a very large set)
 * is temporary: STORE_BUSY (503 with Retry-After), not an internal error.
 */
function busyAsStoreBusy(error: unknown): unknown {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) return error;
  return new AppError('STORE_BUSY', 'the database is busy with another process\'s write (such as npm run seed); retry shortly', undefined, { cause: error });
}

/** Float32 vectors are stored as little-endian BLOBs. */
export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function blobToVector(blob: Buffer): Float32Array {
  // Copy: the Buffer may share a pool whose offset is not 4-byte aligned.
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer, 0, blob.byteLength / 4);
}
