import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import { openDatabase, type Db } from './db.js';
import { SqliteReferenceStore } from './reference-store.js';
import { RowCache, VERSION_CHECK_MS } from './row-cache.js';
import type { ReferenceInput } from './types.js';

const item = (text: string, wins: number): ReferenceInput => ({
  text,
  intent: 'greeting',
  contentHash: `hash-${text}`,
  records: { 'model-a': { wins, losses: 1, ties: 0 } },
});

function winsOf(store: SqliteReferenceStore, id: number): number | undefined {
  return store.records([id]).get(id)?.get('model-a')?.wins;
}

/** Moves a record behind the store's back, on the same connection: invisible to the cache by design. */
function setWinsRaw(db: Db, id: number, wins: number): void {
  db.prepare('UPDATE records SET wins = ? WHERE reference_id = ?').run(wins, id);
}

describe('SqliteReferenceStore read cache (neighbour texts and records)', () => {
  const open: Db[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function fixture(): { file: string; db: Db; store: SqliteReferenceStore; id: number } {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = `${dir}/r.sqlite`;
    const db = openDatabase(file);
    open.push(db);
    const store = new SqliteReferenceStore(db);
    store.writeSet('basics', null, [item('hello there', 3)]);
    const id = store.idByHash('hash-hello there') ?? -1;
    return { file, db, store, id };
  }

  it('serves a repeated read from memory, and shows a learned delta on the very next read', () => {
    const { db, store, id } = fixture();
    expect(winsOf(store, id)).toBe(3);
    setWinsRaw(db, id, 100);
    expect(winsOf(store, id)).toBe(3);
    store.addToRecords([{ referenceId: id, model: 'model-a', wins: 2, losses: 0, ties: 0 }]);
    expect(winsOf(store, id)).toBe(102);
  });

  it('keeps nothing a rolled-back transaction wrote, even when it was read inside the transaction', () => {
    const { db, store, id } = fixture();
    expect(winsOf(store, id)).toBe(3);
    expect(() =>
      db.transaction(() => {
        store.addToRecords([{ referenceId: id, model: 'model-a', wins: 5, losses: 0, ties: 0 }]);
        expect(winsOf(store, id)).toBe(8);
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(winsOf(store, id)).toBe(3);
  });

  it('sees a commit made by another connection (another process seeding the same file) within VERSION_CHECK_MS', async () => {
    const { file, store, id } = fixture();
    expect(winsOf(store, id)).toBe(3);
    const other = openDatabase(file);
    open.push(other);
    setWinsRaw(other, id, 40);
    other.prepare('UPDATE reference_prompts SET intent = ? WHERE id = ?').run('farewell', id);
    await new Promise((resolve) => setTimeout(resolve, VERSION_CHECK_MS + 5));
    expect(winsOf(store, id)).toBe(40);
    expect(store.references([id]).get(id)?.intent).toBe('farewell');
  });

  it('forgets a removed reference and follows a re-seed that changes its records and intent', () => {
    const { store, id } = fixture();
    expect(store.references([id]).get(id)?.text).toBe('hello there');
    store.writeSet('basics', null, [{ ...item('hello there', 9), intent: 'small-talk' }]);
    expect(winsOf(store, id)).toBe(9);
    expect(store.references([id]).get(id)?.intent).toBe('small-talk');
    expect(store.remove(id)).toBe(true);
    expect(store.records([id]).size).toBe(0);
    expect(store.references([id]).size).toBe(0);
  });

  it('is emptied by a reset and by recomputing every record', () => {
    const { db, store, id } = fixture();
    expect(winsOf(store, id)).toBe(3);
    setWinsRaw(db, id, 77);
    store.recomputeAllRecords();
    // Recomputed from the seed records (3 wins), not the raw 77 nor a stale cached copy.
    expect(winsOf(store, id)).toBe(3);
    store.reset();
    expect(store.records([id]).size).toBe(0);
  });
});

describe('RowCache', () => {
  it('evicts the least recently used row beyond its capacity', () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(`${dir}/c.sqlite`);
    const cache = new RowCache<string>(db, 2);
    cache.fill(1, 'one');
    cache.fill(2, 'two');
    expect(cache.lookup([1]).found.get(1)).toBe('one');
    cache.fill(3, 'three');
    const { found, missing } = cache.lookup([1, 2, 3]);
    expect([...found.keys()].sort()).toEqual([1, 3]);
    expect(missing).toEqual([2]);
    expect(cache.size).toBe(2);
    db.close();
    cleanup();
  });
});
