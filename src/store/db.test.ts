import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../../test/helpers/test-deps.js';
import { holdWriteLock } from '../../test/helpers/write-lock.js';
import { blobToVector, loadMigrations, openDatabase, vectorToBlob, writeTransaction } from './db.js';

describe('openDatabase', () => {
  it('migrates a fresh database to the latest user_version, in WAL mode', () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(`${dir}/r.sqlite`);
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().at(-1)?.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    // Reopening applies nothing twice.
    const again = openDatabase(`${dir}/r.sqlite`);
    expect(again.pragma('user_version', { simple: true })).toBe(loadMigrations().at(-1)?.version);
    again.close();
    cleanup();
  });

  it('round-trips float32 vectors through BLOBs', () => {
    const v = new Float32Array([0.1, -0.2, 0.3, 1e-7]);
    expect(Array.from(blobToVector(vectorToBlob(v)))).toEqual(Array.from(v));
  });
});

describe('writeTransaction', () => {
  it('waits for another connection\'s write lock where a deferred transaction that reads first fails at once', async () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(`${dir}/r.sqlite`);
    const readThenWrite = () => {
      const n = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM meta').get()?.n ?? 0;
      db.prepare("INSERT INTO meta (key, value) VALUES ('count', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(n));
    };
    const held = await holdWriteLock(`${dir}/r.sqlite`, 300);
    // SQLite's documented behaviour, which busy_timeout does not change: the reason for the helper.
    expect(() => db.transaction(readThenWrite)()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    writeTransaction(db, readThenWrite)();
    await held.released;
    expect(db.prepare("SELECT value FROM meta WHERE key = 'other_process'").pluck().get()).toBe('1');
    db.close();
    cleanup();
  });

  it('is how src/ opens every transaction (db.transaction is deferred)', () => {
    const files = readdirSync(path.join(PROJECT_ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const deferred = files.filter((f) => f !== path.join('store', 'db.ts') && /\.transaction\(/.test(readFileSync(path.join(PROJECT_ROOT, 'src', f), 'utf8')));
    expect(deferred).toEqual([]);
  });
});
