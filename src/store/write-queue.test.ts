import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import { openDatabase, type Db } from './db.js';
import { WriteQueue } from './write-queue.js';

const open: (() => void)[] = [];
afterEach(() => open.splice(0).forEach((f) => f()));

function database(): Db {
  const { dir, cleanup } = tempDir();
  const db = openDatabase(`${dir}/q.sqlite`);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL); CREATE TABLE sums (k TEXT PRIMARY KEY, n INTEGER NOT NULL)');
  open.push(() => {
    db.close();
    cleanup();
  });
  return db;
}

const rows = (db: Db, table = 't') => db.prepare<[], { k: string; n: number }>(`SELECT k, n FROM ${table} ORDER BY k`).all();

describe('WriteQueue', () => {
  it('commits writes queued in one tick in one transaction, and resolves them only after it', async () => {
    const db = database();
    const queue = new WriteQueue(db);
    const insert = db.prepare<[string, number]>('INSERT INTO t (k, n) VALUES (?, ?)');
    const written = Promise.all(['a', 'b', 'c'].map((k, i) => queue.run(() => insert.run(k, i).changes)));
    expect(rows(db)).toEqual([]);
    expect(await written).toEqual([1, 1, 1]);
    expect(rows(db)).toEqual([{ k: 'a', n: 0 }, { k: 'b', n: 1 }, { k: 'c', n: 2 }]);
  });

  it('rolls back only the write that failed, and drops the batch-step items it added', async () => {
    const db = database();
    const queue = new WriteQueue(db);
    const insert = db.prepare<[string, number]>('INSERT INTO t (k, n) VALUES (?, ?)');
    const addSum = db.prepare<[string, number]>('INSERT INTO sums (k, n) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET n = n + excluded.n');
    const applied: number[] = [];
    const add = queue.batchStep<{ k: string; n: number }>((items) => {
      applied.push(items.length);
      const sums = new Map<string, number>();
      for (const it of items) sums.set(it.k, (sums.get(it.k) ?? 0) + it.n);
      for (const [k, n] of sums) addSum.run(k, n);
    });
    const write = (k: string, n: number) =>
      queue.run(() => {
        add({ k: 'total', n });
        insert.run(k, n);
      });
    const results = await Promise.allSettled([write('a', 1), write('a', 10), write('b', 100)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows(db)).toEqual([{ k: 'a', n: 1 }, { k: 'b', n: 100 }]);
    // The failed write's 10 is not in the sum; the step ran once for the whole batch.
    expect(rows(db, 'sums')).toEqual([{ k: 'total', n: 101 }]);
    expect(applied).toEqual([2]);
  });

  it('fails the whole batch when the batch step fails, committing none of it', async () => {
    const db = database();
    const queue = new WriteQueue(db);
    const insert = db.prepare<[string, number]>('INSERT INTO t (k, n) VALUES (?, ?)');
    const add = queue.batchStep<number>(() => {
      throw new Error('step failed');
    });
    const results = await Promise.allSettled(['a', 'b'].map((k) => queue.run(() => (add(1), insert.run(k, 1)))));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(rows(db)).toEqual([]);
    // The queue keeps working afterwards, with nothing left over in the step.
    await queue.run(() => insert.run('c', 1), { durable: true });
    expect(rows(db)).toEqual([{ k: 'c', n: 1 }]);
  });

  it('holds log writes for company, commits them with a durable write at once, and on flush()', async () => {
    const db = database();
    const queue = new WriteQueue(db, { logDelayMs: 60_000 });
    const insert = db.prepare<[string, number]>('INSERT INTO t (k, n) VALUES (?, ?)');
    const log = queue.run(() => insert.run('log', 1), { durable: false });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rows(db)).toEqual([]);
    await queue.run(() => insert.run('durable', 2), { durable: true });
    await log;
    expect(rows(db).map((r) => r.k)).toEqual(['durable', 'log']);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL: the batch held a durable write
    const later = queue.run(() => insert.run('later', 3), { durable: false });
    queue.flush();
    await later;
    expect(rows(db).map((r) => r.k)).toEqual(['durable', 'later', 'log']);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL: logs only
  });

  it('commits a lone log write after its delay', async () => {
    const db = database();
    const queue = new WriteQueue(db, { logDelayMs: 5 });
    await queue.run(() => db.prepare('INSERT INTO t (k, n) VALUES (?, ?)').run('x', 1), { durable: false });
    expect(rows(db)).toEqual([{ k: 'x', n: 1 }]);
  });
});
