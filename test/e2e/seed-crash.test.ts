import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrap } from '../../src/cli/bootstrap.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/shared/logger.js';
import { seededRandom } from '../../src/shared/random.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { indexFileState, type IndexFileState } from '../helpers/index-file.js';
import { tempDir, TEST_CONFIG_FILE } from '../helpers/test-deps.js';

/** Where each run's SIGKILL lands: a moment after work starts, or an event the seed reports. */
type Trigger = { after: 'seeding' | 'spawn'; ms: number } | { on: 'first-commit' | 'embedding' | 'embedded' | 'summary' };
interface Run {
  readonly reset: boolean;
  readonly trigger: Trigger;
}
const RUNS: readonly Run[] = [
  { reset: false, trigger: { after: 'seeding', ms: 0 } },
  { reset: false, trigger: { on: 'first-commit' } },
  { reset: true, trigger: { on: 'first-commit' } },
  { reset: false, trigger: { on: 'embedding' } },
  { reset: false, trigger: { on: 'embedded' } },
  { reset: true, trigger: { after: 'seeding', ms: 150 } },
  { reset: true, trigger: { on: 'embedding' } },
  { reset: false, trigger: { on: 'summary' } },
];
const PROMPTS_PER_RUN = 900;
const MODELS = ['gpt-5', 'claude-sonnet-4-5', 'deepseek-chat', 'gpt-5-mini'];
const WORDS = 'parse sort merge invoice contract summary translate riddle query schema tenant refund latency cache shard poem'.split(' ');

const running: CliProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.child.kill('SIGKILL');
  cleanups.splice(0).forEach((f) => f());
});

/** Per set: prompts / seed records / live records / summed wins, losses, ties. What a complete set must show. */
type SetState = Map<string, string>;

function writeSet(file: string, rand: () => number, count: number): [string, string] {
  const name = path.basename(file, '.jsonl');
  let records = 0;
  const sums = [0, 0, 0];
  const lines = Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 6 + Math.floor(rand() * 10) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    const models = MODELS.filter(() => rand() < 0.7);
    const rec = Object.fromEntries(models.map((m) => [m, { wins: Math.floor(rand() * 9), losses: Math.floor(rand() * 9), ties: Math.floor(rand() * 3) }]));
    records += models.length;
    for (const r of Object.values(rec)) [r.wins, r.losses, r.ties].forEach((v, j) => (sums[j] = (sums[j] ?? 0) + v));
    return JSON.stringify({ prompt: `${name} #${i}: ${words}`, intent: `intent_${i % 8}`, records: rec });
  });
  writeFileSync(file, lines.join('\n') + '\n');
  return [name, `${count}/${records}/${records}/${sums.join('/')}`];
}

function readState(db: Db): SetState {
  return db.transaction(() => {
    const prompts = db.prepare<[], { name: string; n: number }>('SELECT s.name, COUNT(p.id) AS n FROM reference_sets s LEFT JOIN reference_prompts p ON p.set_id = s.id GROUP BY s.name').all();
    const sums = (table: string) =>
      new Map(
        db
          .prepare<[], { name: string; n: number; w: number; l: number; t: number }>(
            `SELECT s.name, COUNT(*) AS n, TOTAL(r.wins) AS w, TOTAL(r.losses) AS l, TOTAL(r.ties) AS t
             FROM ${table} r JOIN reference_prompts p ON p.id = r.reference_id JOIN reference_sets s ON s.id = p.set_id GROUP BY s.name`,
          )
          .all()
          .map((r) => [r.name, r]),
      );
    const seed = sums('seed_records');
    const live = sums('records');
    return new Map(prompts.map(({ name, n }) => {
      const s = seed.get(name);
      return [name, `${n}/${s?.n ?? 0}/${live.get(name)?.n ?? 0}/${s?.w ?? 0}/${s?.l ?? 0}/${s?.t ?? 0}`];
    }));
  })();
}

const keyOf = (state: SetState) => [...state].sort(([a], [b]) => a.localeCompare(b)).map(([n, s]) => `${n}=${s}`).join(' ');

describe('crash safety while seeding', () => {
  it(`keeps every reference set absent or complete across ${RUNS.length} SIGKILLs mid-seed, and rebuilds a bad index`, async () => {
    const { dir, cleanup } = tempDir('semroute-seedcrash-');
    cleanups.push(cleanup);
    const dataDir = path.join(dir, 'data');
    const env = {
      ROUTER_DATA_DIR: dataDir,
      ROUTER_EMBEDDING__BACKEND: 'lexical',
      // Small and cheap: the time goes into starting processes, not into the work they are killed in.
      ROUTER_EMBEDDING__LEXICAL_DIMS: '128',
      ROUTER_INDEX__M: '8',
      ROUTER_INDEX__EF_CONSTRUCTION: '32',
      ROUTER_ROUTING__COVERAGE_THRESHOLD: '0.5',
      ROUTER_LOG__LEVEL: 'info',
    };
    // Created and migrated up front, so the observer below never races the child's migrations.
    const db = openDatabase(path.join(dataDir, 'router.sqlite'));
    cleanups.unshift(() => db.close());
    const rand = seededRandom(20261123);
    const seed = (args: string[]) => {
      const p = spawnCli(['seed', ...args], env);
      running.push(p);
      return p;
    };

    const violations: string[] = [];
    const indexStates: IndexFileState[] = [];
    const landed: string[] = [];
    let observations = 0;
    let rebuiltOnNextStart = 0;
    let tempFilesRemoved = 0;
    let mustRebuild = false;
    for (const [r, run] of RUNS.entries()) {
      const runDir = path.join(dir, `run-${r}`);
      mkdirSync(runDir);
      const files = run.reset ? ['a', 'b', 'c'].map((s) => path.join(runDir, `run${r}${s}.jsonl`)) : [path.join(runDir, `run${r}.jsonl`)];
      const created = new Map(files.map((f) => writeSet(f, rand, Math.round(PROMPTS_PER_RUN / files.length))));
      const before = readState(db);
      const allowed = new Set([keyOf(before), keyOf(new Map([...(run.reset ? [] : before), ...created]))]);

      const spawnedAt = Date.now();
      const proc = seed(run.reset ? ['--reset', '--dir', runDir] : ['--file', files[0] ?? '']);
      let seenCommit = false;
      // A reader polls SQLite throughout: any committed state other than "before" or "after" is a half-done seed.
      const observer = (async () => {
        while (proc.child.exitCode === null && proc.child.signalCode === null) {
          const key = keyOf(readState(db));
          observations += 1;
          const seen = `run ${r} (${run.reset ? 'reset' : 'file'}): observed ${key.slice(0, 200)}`;
          if (!allowed.has(key) && !violations.includes(seen)) violations.push(seen);
          if (key !== keyOf(before)) seenCommit = true;
          await new Promise((res) => setTimeout(res, 3));
        }
      })();
      const kill = () => proc.child.kill('SIGKILL');
      const trigger = run.trigger;
      if ('after' in trigger) {
        if (trigger.after === 'seeding') await proc.waitFor(/^seeding /m).catch(() => undefined);
        setTimeout(kill, trigger.ms);
      } else if (trigger.on === 'first-commit') {
        void (async () => {
          while (!seenCommit && proc.child.exitCode === null) await new Promise((res) => setTimeout(res, 1));
          kill();
        })();
      } else {
        // Progress lines after "seeding": the start may print its own while it re-embeds what a kill left.
        const pattern = { embedding: /^embedding \d+\/\d+ \((?!100%)/m, embedded: /^embedding \d+\/\d+ \(100%\)/m, summary: /^sets \d+/m }[trigger.on];
        void proc
          .waitFor(/^seeding /m)
          .then(() => proc.waitFor(pattern, trigger.on === 'summary' ? 'stdout' : 'stderr', trigger.on === 'summary' ? 0 : proc.stderr().length))
          .then(kill, () => undefined);
      }
      const exit = await proc.exited;
      await observer;
      const where = 'after' in run.trigger ? `${run.trigger.after}+${run.trigger.ms}ms` : run.trigger.on;
      landed.push(`${where}: ${exit.signal === 'SIGKILL' ? (proc.stdout().includes('seeding ') ? 'killed' : 'killed at start') : `exit ${exit.code}`} ${((Date.now() - spawnedAt) / 1000).toFixed(1)} s`);
      // Temp files of index saves cut short by a kill (the rename never happened) go at the next start.
      tempFilesRemoved += Number(/"files":(\d+),[^\n]*removed temp files/.exec(proc.stderr())?.[1] ?? 0);
      if (mustRebuild && proc.stdout().includes('seeding ')) {
        // The previous kill left an index the start could not reuse: this start must have said so.
        expect(proc.stderr(), `run ${r} after a kill left a ${indexStates.at(-1)} index`).toContain('rebuilding it from SQLite');
        rebuiltOnNextStart += 1;
      }
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const after = keyOf(readState(db));
      if (!allowed.has(after)) violations.push(`run ${r}: after the kill ${after.slice(0, 200)}`);
      const state = indexFileState(dataDir, db);
      indexStates.push(state);
      mustRebuild = state !== 'current';
    }

    // The next seed completes on whatever the kills left behind.
    const finalFile = path.join(dir, 'final.jsonl');
    const [finalName, finalSig] = writeSet(finalFile, rand, 300);
    const done = seed(['--file', finalFile]);
    expect((await done.exited).code).toBe(0);
    expect(readState(db).get(finalName)).toBe(finalSig);
    expect(indexFileState(dataDir, db)).toBe('current');

    // A truncated index file (a torn write, a full disk) is detected and rebuilt on the next start.
    const indexFile = path.join(dataDir, 'index.hnsw');
    truncateSync(indexFile, Math.floor(readFileSync(indexFile).byteLength / 2));
    const log = new PassThrough();
    let logged = '';
    log.on('data', (d: Buffer) => (logged += String(d)));
    const deps = await bootstrap(loadConfig({ env, file: TEST_CONFIG_FILE }), createLogger('info', log));
    deps.close();
    expect(logged).toMatch(/"reason":"unreadable".*rebuilding it from SQLite/);
    tempFilesRemoved += Number(/"files":(\d+),[^\n]*removed temp files/.exec(logged)?.[1] ?? 0);
    expect(indexFileState(dataDir, db)).toBe('current');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(readdirSync(dataDir).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const killed = landed.filter((l) => l.includes('killed')).length;
    const count = (s: IndexFileState) => indexStates.filter((x) => x === s).length;
    console.log(
      `seed crash test: ${RUNS.length} kill runs (${killed} killed mid-run: ${landed.join(', ')}), ${observations} observations, ` +
        `${violations.length} half-done states; index after kills: ${count('current')} current, ${count('stale')} stale, ` +
        `${count('unreadable')} unreadable, ${count('missing')} missing; ${rebuiltOnNextStart} rebuilt on next start; truncated index rebuilt; ` +
        `${tempFilesRemoved} temp files of cut-short saves removed at the next start`,
    );
    expect(violations).toEqual([]);
    expect(killed).toBeGreaterThanOrEqual(RUNS.length / 2);
  }, 300_000);
});
