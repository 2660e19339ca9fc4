import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import { blobToVector, loadMigrations, openDatabase, vectorToBlob } from './db.js';

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
