import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { csvObjects } from '../csv.js';
import { parsePythonStringList } from '../python-literal.js';
import type { EvalDataset, EvalRow } from '../types.js';
import { lineError, parseAt } from './line-error.js';
import { AppError } from '../../shared/errors.js';

const FILE_PATTERN = /^(.+)_(train|test)\.csv$/;
const FIXED_COLUMNS = new Set(['', 'sample_id', 'prompt', 'eval_name', 'oracle_model_to_route_to']);
const COST_SUFFIX = '|total_cost';

/** A performance cell: empty = unknown, else a score in [0,1] (0.0/1.0 in this subset). */
const Performance = z.union([z.literal('').transform(() => null), z.coerce.number().min(0).max(1)]);
const Cost = z.coerce.number().finite().nonnegative();

export interface RouterbenchOptions {
  /** Route on the whole prompt, few-shot examples included, instead of the target question. */
  readonly fullPrompt?: boolean;
}

/**
 * RouterBench subset (RouterDC's train/test re-split): `<task>_{train,test}.csv` with 11 models'
 * 0/1 correctness and the measured USD cost of each query for each model. Prompts are Python-list
 * literals. ARC and Winogrande prompts start with the same few-shot examples; by default the router
 * sees only the target question after them, because a shared prefix of ~1,500 characters would
 * otherwise dominate every embedding. Rows with an unknown outcome stay (the model gets no record
 * from them in training; test rows with any unknown outcome are not scored).
 */
export function loadRouterbench(dir: string, options: RouterbenchOptions = {}): EvalDataset {
  const files = readdirSync(dir).filter((f) => FILE_PATTERN.test(f)).sort();
  if (files.length === 0) throw new AppError('VALIDATION_FAILED', `${dir}: no <task>_{train,test}.csv files`);
  const rows: EvalRow[] = [];
  let models: string[] | undefined;
  for (const name of files) {
    const split = FILE_PATTERN.exec(name)?.[2] === 'train' ? 'train' : 'test';
    const read = readFile(path.join(dir, name), split, options);
    if (models && models.join('\n') !== read.models.join('\n')) throw lineError(path.join(dir, name), 1, 'its model columns differ from the other files');
    models = read.models;
    rows.push(...read.rows);
  }
  return {
    name: 'routerbench',
    rows,
    models: models ?? [],
    costNote: 'measured per-query USD cost of each model (RouterBench `<model>|total_cost`)',
    notes: options.fullPrompt ? [] : ['routed on the target question (few-shot examples stripped; --full-prompt keeps them)'],
  };
}

function readFile(file: string, split: 'train' | 'test', options: RouterbenchOptions): { models: string[]; rows: EvalRow[] } {
  const records = csvObjects(readFileSync(file, 'utf8'), file);
  const header = Object.keys(records[0]?.values ?? {});
  const models = header.filter((c) => !FIXED_COLUMNS.has(c) && !c.includes('|')).sort();
  const missingCost = models.find((m) => !header.includes(m + COST_SUFFIX));
  if (missingCost !== undefined) throw lineError(file, 1, `no cost column for model ${missingCost}`);
  const rows = records.map(({ line, values }) => {
    const at = { file, line };
    const outcomes: Record<string, number> = {};
    const costs: Record<string, number> = {};
    for (const m of models) {
      const score = parseAt(Performance, values[m], { ...at, line }) ?? undefined;
      if (score !== undefined) outcomes[m] = score;
      costs[m] = parseAt(Cost, values[m + COST_SUFFIX], at);
    }
    const group = parseAt(z.string().min(1, 'eval_name must not be empty'), values['eval_name'], at);
    return { prompt: promptText(values['prompt'] ?? '', at, options), outcomes, costs, split, group };
  });
  return { models, rows };
}

function promptText(literal: string, at: { file: string; line: number }, options: RouterbenchOptions): string {
  let parts: string[];
  try {
    parts = parsePythonStringList(literal);
  } catch (error) {
    throw lineError(at.file, at.line, `prompt is not a Python list of strings: ${error instanceof Error ? error.message : String(error)}`);
  }
  // A few rows repeat the prompt as a second list element; keep each distinct text once.
  const text = [...new Set(parts)].join('\n\n').trim();
  if (text === '') throw lineError(at.file, at.line, 'prompt is empty');
  return options.fullPrompt ? text : targetQuestion(text);
}

/** Few-shot example blocks end in `Answer:` + the answer + a blank line; the target comes after the last. */
const SHOT_END = /Answer:[ \t]*\n?[ \t]*[A-Za-z0-9]{1,3}[ \t]*\n\s*\n/g;

export function targetQuestion(text: string): string {
  let end = 0;
  for (const m of text.matchAll(SHOT_END)) end = (m.index ?? 0) + m[0].length;
  const target = text.slice(end).trim();
  return target === '' ? text : target;
}
