import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EvalDataset, EvalRow } from '../types.js';
import { lineError, parseAt, zodReason } from './line-error.js';
import { AppError } from '../../shared/errors.js';

const Item = z.looseObject({
  question: z.string().trim().min(1, 'question must not be empty'),
  scores: z.record(z.string().min(1), z.number().min(0).max(1)),
});

/** Multiple-choice sets score the probability of the correct option when right and 0 when wrong. */
const MULTIPLE_CHOICE = new Set(['mmlu', 'arc_challenge']);

/** Equal cost per call: the seven models are all 7–8B open models served alike. */
const EQUAL_COST_USD = 0.001;

/**
 * RouterDC's 7-model sets: JSON arrays of `{question, scores}`. `<task>_train/_test.json` (or
 * `-train/-test`) give the split; the files without one (mbpp, MATH_prealgebra, javascript) are the
 * paper's out-of-distribution sets and are only routed (split test), never references. Multiple
 * choice scores become correctness (score > 0); generative scores (share of passing samples) stay.
 */
export function loadRouterdc(dir: string): EvalDataset {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new AppError('VALIDATION_FAILED', `${dir}: no RouterDC .json files`);
  const rows = files.flatMap((f) => readFile(path.join(dir, f)));
  const models = [...new Set(rows.flatMap((r) => Object.keys(r.outcomes)))].sort();
  return {
    name: 'routerdc',
    rows,
    models,
    perCallCost: Object.fromEntries(models.map((m) => [m, EQUAL_COST_USD])),
    costNote: `no costs in the data: equal cost per call assumed ($${EQUAL_COST_USD}; all seven are 7–8B open models), so only quality is compared`,
    notes: ['out-of-distribution sets (no train file) are routed only: mbpp, MATH_prealgebra, javascript'],
  };
}

export function splitOf(fileName: string): { group: string; split: 'train' | 'test' } {
  const m = /^(.+?)[-_](train|test)\.json$/.exec(fileName);
  if (m?.[1] !== undefined) return { group: m[1], split: m[2] === 'train' ? 'train' : 'test' };
  return { group: fileName.replace(/\.json$/, ''), split: 'test' };
}

function readFile(file: string): EvalRow[] {
  const { group, split } = splitOf(path.basename(file));
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw lineError(file, 1, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const list = z.array(z.unknown()).safeParse(data);
  if (!list.success) throw lineError(file, 1, zodReason(list.error));
  // A JSON array has no useful line numbers; the item's position stands in for the line.
  return list.data.map((value, i) => {
    const item = parseAt(Item, value, { file: `${file} item`, line: i + 1 });
    const binary = MULTIPLE_CHOICE.has(group);
    const outcomes = Object.fromEntries(Object.entries(item.scores).map(([m, s]) => [m, binary ? (s > 0 ? 1 : 0) : s]));
    return { prompt: item.question, outcomes, split, group };
  });
}
