import { afterEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/cli/bootstrap.js';
import { BIG_SMALL_CATALOG, fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const NEWBIE = { id: 'newbie', provider: 'test', inputPricePer1M: 0.1, outputPricePer1M: 0.4, contextWindow: 100_000 };
const PROMPT = 'Write a Python function that sorts a dictionary by value';
/** The bound we hold exploration to: a model with no records gets a trial within this many routes. */
const BOUND = 50;

const running: (Deps & { cleanup: () => void })[] = [];
afterEach(() => running.splice(0).forEach((d) => d.cleanup()));

async function start(exploration: { enabled: boolean; seed?: number }) {
  const { dir, cleanup } = tempDir();
  const deps = await startLexical(fixtureConfig(dir, { catalog: [...BIG_SMALL_CATALOG, NEWBIE], routing: { defaultModel: 'big', costWeight: 0.1, exploration } }));
  running.push(Object.assign(deps, { cleanup: () => (deps.close(), cleanup()) }));
  return deps;
}

async function choices(deps: Deps, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const { decision } = await deps.router.route({ prompt: PROMPT, constraints: {} });
    if (decision.kind === 'routed') out.push(decision.model);
  }
  return out;
}

describe('exploration', () => {
  it(`gives a model with no records a trial within ${BOUND} routes, reproducibly under a seed`, async () => {
    const picks = await choices(await start({ enabled: true, seed: 42 }), BOUND);
    expect(picks).toContain('newbie');
    expect(await choices(await start({ enabled: true, seed: 42 }), BOUND)).toEqual(picks);
  });

  it('is off by default: the model without records is never chosen and decisions repeat exactly', async () => {
    const picks = await choices(await start({ enabled: false }), BOUND);
    expect(picks).not.toContain('newbie');
    expect(new Set(picks).size).toBe(1);
  });
});
