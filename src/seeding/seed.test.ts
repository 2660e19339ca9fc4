import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir, TEST_CONFIG_FILE } from '../../test/helpers/test-deps.js';
import { bootstrap, type Deps } from '../cli/bootstrap.js';
import { loadConfig } from '../config/load.js';
import { LexicalEmbedder } from '../embedding/lexical-embedder.js';
import { silentLogger } from '../shared/logger.js';
import { seedReferenceSets } from './seed.js';
import { parseSeedArgs, runSeed } from '../cli/commands/seed.js';
import { contentHash } from '../store/content-hash.js';
import { BIG_SMALL_CATALOG } from '../../test/helpers/lexical-deps.js';

const FIXTURE_SETS = path.join(PROJECT_ROOT, 'test/fixtures/reference-sets');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

/** A data dir plus a private copy of the fixture sets that a test may edit. */
async function setup(overrides: Record<string, unknown> = {}): Promise<{ deps: Deps; setsDir: string }> {
  const { dir, cleanup } = tempDir();
  const setsDir = path.join(dir, 'sets');
  mkdirSync(setsDir);
  for (const f of ['alpha.jsonl', 'beta.jsonl']) copyFileSync(path.join(FIXTURE_SETS, f), path.join(setsDir, f));
  const config = loadConfig({
    env: {},
    file: TEST_CONFIG_FILE,
    overrides: { dataDir: path.join(dir, 'data'), referenceDir: setsDir, seedOnEmpty: false, log: { level: 'silent' }, ...overrides },
  });
  const deps = await bootstrap(config, silentLogger(), { embedder: new LexicalEmbedder({ dims: 256 }) });
  cleanups.push(() => {
    deps.close();
    cleanup();
  });
  return { deps, setsDir };
}

describe('seedReferenceSets', () => {
  it('loads every set, then a second run changes nothing', async () => {
    const { deps, setsDir } = await setup();
    const first = await seedReferenceSets(deps, setsDir);
    expect(first).toMatchObject({ sets: 2, prompts: 10, intents: 2, models: 2, inserted: 10, updated: 0, embedded: 10, errors: [] });
    const generation = deps.references.generation();
    const second = await seedReferenceSets(deps, setsDir);
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 10, embedded: 0 });
    expect(deps.references.generation()).toBe(generation);
    expect(deps.index.size).toBe(10);
  });

  it('reports a bad line as file:line and writes no part of that set', async () => {
    const { deps, setsDir } = await setup();
    const bad = path.join(setsDir, 'gamma.jsonl');
    writeFileSync(
      bad,
      [
        JSON.stringify({ prompt: 'A fine line that would be written', intent: 'misc' }),
        JSON.stringify({ prompt: 'Negative wins', intent: 'misc', records: { big: { wins: -1 } } }),
        '{"prompt": "truncated',
        JSON.stringify({ prompt: 'typo in a key', intnet: 'misc' }),
      ].join('\n'),
    );
    const summary = await seedReferenceSets(deps, setsDir);
    expect(summary.errors.map((e) => `${path.basename(e.file)}:${e.line}`)).toEqual(['gamma.jsonl:2', 'gamma.jsonl:3', 'gamma.jsonl:4']);
    expect(summary.errors[0]?.reason).toContain('records.big.wins');
    expect(summary.skippedSets).toEqual(['gamma']);
    expect(deps.references.count()).toBe(10);
  });

  it('--reset with any bad file deletes nothing and writes nothing', async () => {
    const { deps, setsDir } = await setup();
    await seedReferenceSets(deps, setsDir);
    writeFileSync(path.join(setsDir, 'gamma.jsonl'), JSON.stringify({ prompt: 'A new prompt', intent: 'misc' }) + '\n{"prompt": 42}\n');
    const summary = await seedReferenceSets(deps, setsDir, { reset: true });
    expect(summary.errors.map((e) => `${path.basename(e.file)}:${e.line}`)).toEqual(['gamma.jsonl:2']);
    expect(summary).toMatchObject({ sets: 0, inserted: 0, skippedSets: ['alpha', 'beta', 'gamma'] });
    expect(deps.references.count()).toBe(10);
    expect(deps.index.size).toBe(10);
  });

  it('refuses a prompt that appears in two files', async () => {
    const { deps, setsDir } = await setup();
    writeFileSync(path.join(setsDir, 'zeta.jsonl'), JSON.stringify({ prompt: 'Hi there,   how is your day going?', intent: 'chat' }) + '\n');
    const summary = await seedReferenceSets(deps, setsDir);
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0]?.reason).toContain('beta.jsonl:1');
  });

  it('--reset reuses the stored vectors of unchanged texts and embeds only the changed ones', async () => {
    const { deps, setsDir } = await setup();
    await seedReferenceSets(deps, setsDir);
    const before = deps.index.search((await deps.embedder.embed(['Write a Python function that reverses a string']))[0] ?? new Float32Array(), 1);
    const unchanged = await seedReferenceSets(deps, setsDir, { reset: true });
    expect(unchanged).toMatchObject({ inserted: 10, embedded: 0 });
    expect(deps.index.size).toBe(10);
    const alpha = path.join(setsDir, 'alpha.jsonl');
    writeFileSync(alpha, readFileSync(alpha, 'utf8').replace('reverses a string', 'reverses a linked list'));
    const changed = await seedReferenceSets(deps, setsDir, { reset: true });
    expect(changed).toMatchObject({ inserted: 10, embedded: 1 });
    const after = deps.index.search((await deps.embedder.embed(['Write a Python function that reverses a linked list']))[0] ?? new Float32Array(), 1);
    expect(after[0]?.similarity).toBeCloseTo(1, 5);
    expect(before[0]?.similarity).toBeCloseTo(1, 5);
  });

  it('updates records in place when a file changes, and --reset starts over', async () => {
    const { deps, setsDir } = await setup();
    await seedReferenceSets(deps, setsDir);
    writeFileSync(path.join(setsDir, 'beta.jsonl'), JSON.stringify({ prompt: 'Hi there, how is your day going?', intent: 'chat', records: { big: { wins: 9 } } }) + '\n');
    const changed = await seedReferenceSets(deps, setsDir);
    expect(changed).toMatchObject({ inserted: 0, updated: 1, embedded: 0 });
    const reset = await seedReferenceSets(deps, setsDir, { reset: true });
    expect(reset).toMatchObject({ inserted: 6, updated: 0 });
    expect(deps.references.count()).toBe(6);
    expect(deps.index.size).toBe(6);
  });
});

describe('records for models that are not in the catalog', () => {
  it('are reported with file:line by the seed command, and are errors under --strict-models', async () => {
    const { deps, setsDir } = await setup({ catalog: BIG_SMALL_CATALOG, routing: { defaultModel: 'big' } });
    const typo = '{"prompt": "Summarise this contract clause", "records": {"big": {"wins": 1}, "gpt4o-mini": {"wins": 3}}}';
    writeFileSync(path.join(setsDir, 'gamma.jsonl'), `{"prompt": "Translate hello to French", "records": {"big": {"wins": 1}}}\n${typo}\n`);
    const lines: string[] = [];
    const lax = await runSeed(deps, parseSeedArgs(['--dir', setsDir]), (l) => lines.push(l));
    expect(lax).toBe(0);
    const gamma = path.join(setsDir, 'gamma.jsonl');
    expect(lines).toContain(`warning ${gamma}:2: records name 'gpt4o-mini', which is not a model in the catalog (use --strict-models to make this an error)`);

    const strictLines: string[] = [];
    writeFileSync(gamma, `${typo.replace('contract clause', 'lease clause')}\n`);
    const strict = await runSeed(deps, parseSeedArgs(['--dir', setsDir, '--strict-models']), (l) => strictLines.push(l));
    expect(strict).toBe(1);
    expect(strictLines).toContain(`error ${gamma}:1: records name 'gpt4o-mini', which is not a model in the catalog`);
    expect(deps.references.idByHash(contentHash('Summarise this lease clause'))).toBeNull();
  });
});
