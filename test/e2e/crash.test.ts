import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { startService as startCli, type CliProcess } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/test-deps.js';

const KILL_RUNS = 5;
const running: CliProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.child.kill('SIGKILL');
  cleanups.splice(0).forEach((f) => f());
});

/** The real service in its own process (lexical embedder), on a free port. */
async function startService(dataDir: string): Promise<CliProcess & { url: string }> {
  const service = await startCli({ ROUTER_DATA_DIR: dataDir, ROUTER_EMBEDDING__BACKEND: 'lexical' });
  running.push(service);
  return service;
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

describe('crash safety', () => {
  it(`loses no acknowledged outcome across ${KILL_RUNS} SIGKILLs mid-ingestion, and rebuilds a garbage index`, async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const acknowledged = new Set<string>();
    for (let run = 0; run < KILL_RUNS; run++) {
      const { child, url, exited } = await startService(dir);
      const route = await post(`${url}/v1/route`, { prompt: 'Write a Python function that reverses a string' });
      const { decisionId } = (await route.json()) as { decisionId: string };
      // Outcomes stream in until the process is killed at a random moment.
      let stop = false;
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          const key = `run${run}-w${w}-${i}`;
          try {
            const res = await post(`${url}/v1/outcomes`, { decisionId, model: 'gpt-5-mini', outcome: { success: i % 2 === 0 }, idempotencyKey: key });
            if (res.status === 201) acknowledged.add(key);
          } catch {
            return; // the connection died with the process
          }
        }
      });
      // Kill once this run has had some outcomes acknowledged (the machine may be slow), at a random moment after.
      const ackedBefore = acknowledged.size;
      const waitUntil = Date.now() + 20_000;
      while (acknowledged.size - ackedBefore < 20 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await exited;
      if (run === 2) writeFileSync(path.join(dir, 'index.hnsw'), 'garbage after a crash');
    }
    const db = openDatabase(path.join(dir, 'router.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set(db.prepare<[], { k: string }>('SELECT idempotency_key AS k FROM outcomes').all().map((r) => r.k));
    db.close();
    const lost = [...acknowledged].filter((k) => !stored.has(k));
    expect(acknowledged.size).toBeGreaterThan(KILL_RUNS * 20);
    expect(lost).toEqual([]);
    // The service comes back on the crashed data dir (garbage index rebuilt from SQLite) and routes.
    const { url } = await startService(dir);
    const after = await post(`${url}/v1/route`, { prompt: 'Write a Python function that reverses a string', explain: true });
    expect(after.status).toBe(200);
    console.log(`crash test: ${KILL_RUNS} kill runs, ${acknowledged.size} acknowledged outcomes, ${lost.length} lost`);
  }, 120_000);
});
