import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import { holdWriteLock } from '../../test/helpers/write-lock.js';
import { AppError } from '../shared/errors.js';
import { openDatabase, type Db } from './db.js';
import { createMetaStore, META_KEYS } from './meta-store.js';
import { SqliteReferenceStore } from './reference-store.js';

// Writes made outside any transaction (the meta cache of the routing fit and the calibration, the
// embedder fingerprint, the database id an export names) meet another process's write lock like
// every transactional write: they wait up to busy_timeout, then fail as STORE_BUSY (503), never as
// a raw SqliteError that the server would answer 500.

const open: (() => void)[] = [];
afterEach(() => open.splice(0).forEach((f) => f()));

function database(): { db: Db; file: string } {
  const { dir, cleanup } = tempDir();
  const file = `${dir}/r.sqlite`;
  const db = openDatabase(file);
  open.push(() => (db.close(), cleanup()));
  return { db, file };
}

function thrownBy(write: () => unknown): unknown {
  try {
    write();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('a single-statement write while another connection holds the write lock', () => {
  it('meta.set waits for the lock and then writes', async () => {
    const { db, file } = database();
    const meta = createMetaStore(db);
    const { released } = await holdWriteLock(file, 300);
    meta.set('routing_fit', 'fresh');
    await released;
    expect(meta.get('routing_fit')).toBe('fresh');
    expect(meta.get('other_process')).toBe('1');
  });

  it('meta.set fails as STORE_BUSY, not a raw SqliteError, when the lock outlasts busy_timeout', async () => {
    const { db, file } = database();
    const meta = createMetaStore(db);
    db.pragma('busy_timeout = 50');
    const { released } = await holdWriteLock(file, 1_000);
    const error = thrownBy(() => meta.set('routing_fit', 'fresh'));
    await released;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'STORE_BUSY', cause: expect.objectContaining({ code: 'SQLITE_BUSY' }) });
    meta.set('routing_fit', 'fresh');
    expect(meta.get('routing_fit')).toBe('fresh');
  });

  it('meta.set inside a write transaction is part of it (a savepoint), so a rollback undoes it', () => {
    const { db } = database();
    const meta = createMetaStore(db);
    expect(() =>
      db.transaction(() => {
        meta.set('generation', '7');
        throw new Error('roll back');
      }).immediate(),
    ).toThrow('roll back');
    expect(meta.get('generation')).toBeUndefined();
  });

  it('an export making the database id fails as STORE_BUSY when the lock outlasts busy_timeout, and names one id after', async () => {
    const { db, file } = database();
    const references = new SqliteReferenceStore(db);
    db.pragma('busy_timeout = 50');
    const { released } = await holdWriteLock(file, 1_000);
    const error = thrownBy(() => references.exportAll());
    await released;
    expect(error).toMatchObject({ code: 'STORE_BUSY' });
    const { database: id } = references.exportAll();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(createMetaStore(db).get(META_KEYS.databaseId)).toBe(id);
  });
});
