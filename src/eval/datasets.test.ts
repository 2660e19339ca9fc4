import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { costOf } from './costs.js';
import { loadDataset } from './datasets.js';
import { loadGenericFile } from './datasets/generic.js';
import { loadRouterbench, targetQuestion } from './datasets/routerbench.js';
import { loadRoutellm, STRONG, WEAK } from './datasets/routellm.js';
import { loadRouterdc, splitOf } from './datasets/routerdc.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/eval');

describe('generic JSONL', () => {
  it('reads rows, drops null (unknown) scores, and fills missing costs with the model’s mean', () => {
    const d = loadGenericFile(path.join(FIXTURES, 'generic.jsonl'));
    expect(d.models).toEqual(['cheap', 'dear']);
    expect(d.rows).toHaveLength(3);
    expect(d.rows[1]).toMatchObject({ split: 'test', group: 'math', outcomes: { cheap: 0, dear: 0.8 } });
    expect(d.rows[2]?.outcomes).toEqual({ cheap: 0.5 });
    // Row 2 has no cost for `dear`: the mean over rows that have one ($0.01). Row 3 has none at all.
    const [r1, r2, r3] = d.rows;
    if (!r1 || !r2 || !r3) throw new Error('rows missing');
    expect(costOf(d, r2, 'dear')).toBeCloseTo(0.01, 12);
    expect(costOf(d, r3, 'cheap')).toBeCloseTo(0.0015, 12);
    expect(costOf(d, r1, 'cheap')).toBe(0.001);
  });

  it('assumes equal cost when the file has none, and says so', () => {
    const d = loadGenericFile(path.join(FIXTURES, 'generic-nocost.jsonl'));
    expect(d.perCallCost).toEqual({ a: 0.001, b: 0.001 });
    expect(d.costNote).toContain('equal cost');
  });

  it('rejects a bad line with file:line and the reason', () => {
    const file = path.join(FIXTURES, 'generic-bad.jsonl');
    expect(() => loadGenericFile(file)).toThrow(`${file}:2: outcomes.a: scores lie in [0,1]`);
  });
});

describe('routerbench', () => {
  const d = loadRouterbench(path.join(FIXTURES, 'routerbench'));

  it('reads models, outcomes (empty cell = unknown), costs, split and group', () => {
    expect(d.models).toEqual(['alpha/small-7b', 'big-model']);
    expect(d.rows.map((r) => r.split)).toEqual(['test', 'train', 'train', 'train']);
    const [test, , , code] = d.rows;
    expect(test).toMatchObject({ group: 'code', outcomes: { 'alpha/small-7b': 1, 'big-model': 0 }, costs: { 'big-model': 0.0025, 'alpha/small-7b': 0.00015 } });
    expect(code?.outcomes).toEqual({ 'big-model': 1 });
  });

  it('unpacks the Python list literal and routes on the question after the few-shot examples', () => {
    const [, fewShot, doubleQuoted, repeated] = d.rows;
    expect(fewShot?.prompt).toBe('Which gas do plants take in?\nA) oxygen\nB) carbon dioxide\nPrint only "A" or "B".\nAnswer:');
    expect(doubleQuoted?.prompt).toBe("It's raining; what should Sam carry?\nA) umbrella\nB) kite");
    expect(repeated?.prompt).toBe('Sort a list in Python.');
  });

  it('keeps the few-shot examples with fullPrompt', () => {
    const full = loadRouterbench(path.join(FIXTURES, 'routerbench'), { fullPrompt: true });
    expect(full.rows[1]?.prompt.startsWith('Which planet is red?')).toBe(true);
  });

  it('leaves a prompt without few-shot answers alone', () => {
    expect(targetQuestion('Write a function.\n\nIt should return 1.')).toBe('Write a function.\n\nIt should return 1.');
  });
});

describe('routellm', () => {
  const d = loadRoutellm(path.join(FIXTURES, 'routellm'));

  it('reads MMLU and GSM8K correctness, excluding contaminated prompts', () => {
    const mmlu = d.rows.filter((r) => r.group === 'mmlu');
    expect(mmlu).toHaveLength(2);
    expect(mmlu[1]?.prompt).toBe('A "fair" coin is tossed twice. How many outcomes are there?\nA. 2\nB. 3\nC. 4\nD. 8\nAnswer:');
    expect(mmlu[1]?.outcomes).toEqual({ [WEAK]: 0, [STRONG]: 1 });
    const gsm8k = d.rows.filter((r) => r.group === 'gsm8k');
    expect(gsm8k.map((r) => r.outcomes[WEAK])).toEqual([1, 0]);
  });

  it('reads MT-Bench: routed on turn 1, outcome = mean of both turns mapped by (s − 1) / 9', () => {
    const mt = d.rows.filter((r) => r.group === 'mt_bench');
    // Question 83 is contaminated (its first turn is listed); 81 and 82 remain.
    expect(mt.map((r) => r.prompt)).toEqual(['Write a short poem about the sea.', 'What is 15% of 80?']);
    // 81: GPT-4 (10 + 8) / 2 = 9 → 8/9; Mixtral (7 + 4.5) / 2 = 5.75 → 4.75/9.
    expect(mt[0]?.outcomes[STRONG]).toBeCloseTo(8 / 9, 12);
    expect(mt[0]?.outcomes[WEAK]).toBeCloseTo(4.75 / 9, 12);
    expect(mt[1]?.outcomes).toEqual({ [STRONG]: 0, [WEAK]: 1 });
  });

  it('states the per-call cost assumption and the strong model', () => {
    expect(d.strongModel).toBe(STRONG);
    expect(d.perCallCost).toEqual({ [STRONG]: 0.02, [WEAK]: 0.0006 });
    expect(d.notes).toContain('mmlu: 2 prompts after excluding 1 contaminated');
  });

  it('can read only some benchmarks', () => {
    const only = loadDataset({ kind: 'named', name: 'routellm', dataDir: FIXTURES, groups: ['gsm8k'] });
    expect(only.rows.every((r) => r.group === 'gsm8k')).toBe(true);
  });
});

describe('routerdc', () => {
  const d = loadRouterdc(path.join(FIXTURES, 'routerdc'));

  it('takes split and group from the file name; files without a split are test-only (OOD)', () => {
    expect(splitOf('gsm8k-train.json')).toEqual({ group: 'gsm8k', split: 'train' });
    expect(splitOf('arc_challenge_test.json')).toEqual({ group: 'arc_challenge', split: 'test' });
    expect(splitOf('MATH_prealgebra.json')).toEqual({ group: 'MATH_prealgebra', split: 'test' });
    expect(d.rows.map((r) => [r.group, r.split])).toEqual([
      ['mmlu', 'test'],
      ['ood_set', 'test'],
      ['toy', 'test'],
      ['toy', 'train'],
      ['toy', 'train'],
    ]);
  });

  it('keeps graded scores and turns multiple-choice probabilities into correctness', () => {
    expect(d.rows[0]?.outcomes).toEqual({ 'm/one': 1, 'm/two': 0 });
    expect(d.rows[2]?.outcomes).toEqual({ 'm/one': 0.2, 'm/two': 0.9 });
    expect(d.perCallCost).toEqual({ 'm/one': 0.001, 'm/two': 0.001 });
  });
});

describe('loadDataset', () => {
  it('names the folder it expected when the data folder lacks the dataset', () => {
    expect(() => loadDataset({ kind: 'named', name: 'routellm', dataDir: path.join(FIXTURES, 'routerdc') })).toThrow(/^no routellm data at .*routellm: --data names the folder that holds routellm\/$/);
  });
});
