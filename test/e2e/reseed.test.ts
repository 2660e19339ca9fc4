import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRouter, type Deps } from '../../src/cli/bootstrap.js';
import { exportReferenceSet, reseedFromDatabase, seedReferenceSets } from '../../src/seeding/seed.js';
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
});
