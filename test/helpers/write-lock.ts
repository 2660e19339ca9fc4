import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * What another process does while it commits to the same database (`npm run seed`, a second
 * server): on its own connection, in a worker thread, it takes SQLite's write lock (BEGIN IMMEDIATE
 * and one write), holds it for `holdMs` and commits. `locked` resolves once the lock is held, so
 * what the caller does next is forced to meet it; `released` resolves after the commit.
 * The worker keeps its own clock: a caller blocked in SQLite's busy wait cannot release it.
 */
export async function holdWriteLock(file: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const Database = require(workerData.driver);
     const db = new Database(workerData.file);
     db.pragma('busy_timeout = 5000');
     db.exec('BEGIN IMMEDIATE');
     db.prepare("INSERT INTO meta (key, value) VALUES ('other_process', '1') ON CONFLICT(key) DO UPDATE SET value = value + 1").run();
     parentPort.postMessage('locked');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
     db.exec('COMMIT');
     db.close();`,
    { eval: true, workerData: { file, holdMs, driver: BETTER_SQLITE3 } },
  );
  const released = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited with code ${code}`))));
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    released.catch(reject);
  });
  return { released };
}
