import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRouter, type Deps } from '../../src/cli/bootstrap.js';
import { exportReferenceSet, reseedFromDatabase, seedReferenceSets } from '../../src/seeding/seed.js';
import { contentHash } from '../../src/store/content-hash.js';
import { fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const QUERIES = [
  'Write a Python function that reverses a linked list',
  'Write a python function which reverses a linked list',
  'Implement a stack class in Python',
  'Hello, how is your week going?',
  'Tell me about your favourite movie',
  'Parse an integer in Rust',
];

const running: Deps[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  running.splice(0).forEach((d) => d.close());
  cleanups.splice(0).forEach((f) => f());
});

async function start(): Promise<Deps> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const deps = await startLexical(fixtureConfig(dir));
  running.push(deps);
  return deps;
}

/** Teaches the router something beyond the seed: a learned reference and spread deltas. */
async function learn(deps: Deps): Promise<void> {
  const { decisionId } = await deps.router.route({ prompt: QUERIES[0] ?? '', constraints: {} });
  for (let i = 0; i < 4; i++) {
    await deps.learner.record({ decisionId, prompt: QUERIES[0], model: 'small', kind: 'success', value: 1 });
    await deps.learner.record({ decisionId, prompt: QUERIES[0], model: 'big', kind: 'success', value: 0 });
  }
  await deps.learner.record({ prompt: 'Hi, how are things today?', model: 'big', kind: 'score', value: 0.2 });
}

async function decisions(deps: Deps) {
  const out = [];
  for (const prompt of QUERIES) {
    const { decision } = await deps.router.route({ prompt, constraints: {} });
    if (decision.kind !== 'routed') throw new Error('expected a routed decision');
    out.push({ model: decision.model, fallbacks: decision.fallbacks, covered: decision.covered, intent: decision.intent, scores: decision.scores.map((s) => s.quality.toFixed(9)) });
  }
  return out;
}

describe('re-seeding', () => {
  it('--export, --reset, then seeding the export reproduces the same decisions', async () => {
    const deps = await start();
    await learn(deps);
    const before = await decisions(deps);
    const file = path.join(deps.config.dataDir, 'export.jsonl');
    expect(exportReferenceSet(deps, file)).toBe(11);
    const summary = await seedReferenceSets(deps, file, { reset: true });
    expect(summary).toMatchObject({ inserted: 11, errors: [] });
    deps.router = buildRouter(deps);
    expect(await decisions(deps)).toEqual(before);
  });

  it('--from-db rebuilds records and index from SQLite to the same decisions', async () => {
    const deps = await start();
    await learn(deps);
    const before = await decisions(deps);
    deps.db.prepare('UPDATE records SET wins = 0').run();
    const rebuilt = await reseedFromDatabase(deps);
    expect(rebuilt.references).toBe(11);
    deps.router = buildRouter(deps);
    expect(await decisions(deps)).toEqual(before);
  });

  it('an export keeps seed and learned apart: after importing it, a re-post replaces only the seed', async () => {
    const a = await start();
    await learn(a);
    const file = path.join(a.config.dataDir, 'export.jsonl');
    exportReferenceSet(a, file);
    const b = await start();
    expect(await seedReferenceSets(b, file, { reset: true })).toMatchObject({ inserted: 11, errors: [] });
    expect(table(b, 'records')).toEqual(table(a, 'records'));
    expect(table(b, 'seed_records')).toEqual(table(a, 'seed_records'));
    // What a learns from now on, b does not: compare what the imported counts do, not new outcomes.
    const prompt = firstLearned(a);
    for (const deps of [a, b]) deps.references.putReference({ text: prompt, contentHash: contentHash(prompt), records: { big: { wins: 1, losses: 0, ties: 0 } } }, 'admin');
    expect(table(b, 'records')).toEqual(table(a, 'records'));
    // The round trip holds again: b's export says what a's says.
    const again = path.join(b.config.dataDir, 'again.jsonl');
    exportReferenceSet(b, again);
    exportReferenceSet(a, file);
    expect(referenceLines(again)).toEqual(referenceLines(file));
  });

  it('seeding an export back into its own database counts nothing twice, with or without --reset', async () => {
    const deps = await start();
    await learn(deps);
    const before = table(deps, 'records');
    const file = path.join(deps.config.dataDir, 'export.jsonl');
    exportReferenceSet(deps, file);
    // Upserted (the references move into the set named after the file), learned counts left as they are.
    expect(await seedReferenceSets(deps, file)).toMatchObject({ inserted: 0, errors: [] });
    expect(table(deps, 'records')).toEqual(before);
    expect(await seedReferenceSets(deps, file, { reset: true })).toMatchObject({ inserted: 11, errors: [] });
    expect(table(deps, 'records')).toEqual(before);
    deps.references.recomputeAllRecords();
    expect(table(deps, 'records')).toEqual(before);
  });

  it('still imports a format 1 export (records only, no header) as seed records, and refuses a newer format', async () => {
    const deps = await start();
    const file = path.join(deps.config.dataDir, 'old.jsonl');
    writeFileSync(file, `${JSON.stringify({ prompt: 'An old export line', intent: 'legacy', records: { small: { wins: 3, losses: 1, ties: 0 } } })}\n`);
    expect(await seedReferenceSets(deps, file)).toMatchObject({ inserted: 1, errors: [] });
    expect(table(deps, 'seed_records').filter((r) => r.reference === 'An old export line')).toEqual([{ reference: 'An old export line', model: 'small', wins: 3, losses: 1, ties: 0 }]);
    writeFileSync(file, `${JSON.stringify({ format: 'semroute-references', version: 3 })}\n${JSON.stringify({ prompt: 'A line from the future' })}\n`);
    const newer = await seedReferenceSets(deps, file);
    expect(newer.errors).toEqual([{ file, line: 1, reason: expect.stringContaining('format version 3 is newer than this build reads (up to 2)') as string }]);
    expect(deps.references.idByHash(contentHash('A line from the future'))).toBeNull();
  });
});

/** A records table, rows in a fixed order, keyed by reference text (ids differ between databases). */
function table(deps: Deps, name: 'records' | 'seed_records') {
  return deps.db
    .prepare<[], { reference_id: number; model: string; wins: number; losses: number; ties: number }>(`SELECT t.reference_id, t.model, t.wins, t.losses, t.ties FROM ${name} t ORDER BY t.reference_id, t.model`)
    .all()
    .map(({ reference_id: id, ...r }) => ({ reference: textOf(deps, id), ...r }));
}

function textOf(deps: Deps, id: number): string {
  return deps.references.references([id]).get(id)?.text ?? `missing ${id}`;
}

/** A reference that learned something beyond its seed records. */
function firstLearned(deps: Deps): string {
  const row = deps.db
    .prepare<[], { text: string }>('SELECT p.text FROM records r JOIN reference_prompts p ON p.id = r.reference_id LEFT JOIN seed_records s USING (reference_id, model) WHERE r.wins > COALESCE(s.wins, 0) ORDER BY p.id LIMIT 1')
    .get();
  if (!row) throw new Error('nothing was learned');
  return row.text;
}

/** An export's reference lines (the header names the database and time, which differ). */
function referenceLines(file: string): unknown[] {
  return readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as unknown);
}
