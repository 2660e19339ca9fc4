import path from 'node:path';
import { z } from 'zod';
import type { EvalDataset, EvalRow } from '../types.js';
import { readJsonLines } from './json-lines.js';
import { lineError, parseAt } from './line-error.js';

const ModelId = z.string().min(1).max(200);
const Score = z.number().min(0, 'scores lie in [0,1]').max(1, 'scores lie in [0,1]');

/** One line of a generic routing file; a null score means the model's outcome is unknown. */
export const GenericLineSchema = z.strictObject({
  prompt: z.string().trim().min(1, 'prompt must not be empty'),
  outcomes: z
    .record(ModelId, Score.nullable())
    .refine((o) => Object.values(o).some((v) => v !== null), 'outcomes needs at least one known score'),
  costs: z.record(ModelId, z.number().finite().nonnegative()).optional(),
  split: z.enum(['train', 'test']).optional(),
  group: z.string().trim().min(1).max(100).optional(),
});

/** Cost per call when a file has no costs at all; only relative costs matter, and they are equal. */
const EQUAL_COST_USD = 0.001;

/**
 * Reads `{"prompt", "outcomes": {model: score}, "costs"?, "split"?, "group"?}` lines. Any bad line
 * stops the read with `file:line: reason`. Models without a cost on some row get their mean cost
 * over the rows that have one; a file with no costs at all assumes equal cost per call.
 */
export function loadGenericFile(file: string): EvalDataset {
  const rows = readJsonLines(file).map(({ line, value }) => toRow(parseAt(GenericLineSchema, value, { file, line })));
  if (rows.length === 0) throw lineError(file, 1, 'the file holds no rows');
  const models = [...new Set(rows.flatMap((r) => Object.keys(r.outcomes)))].sort();
  const priced = rows.filter((r) => r.costs !== undefined);
  const base = { name: path.basename(file, path.extname(file)), rows, models, notes: [] };
  if (priced.length === 0) {
    const perCallCost = Object.fromEntries(models.map((m) => [m, EQUAL_COST_USD]));
    return { ...base, perCallCost, costNote: `no costs in the file: equal cost per call assumed ($${EQUAL_COST_USD} for every model)` };
  }
  return { ...base, perCallCost: meanObservedCosts(file, models, priced), costNote: 'per-row costs from the file (a model missing on a row costs its mean)' };
}

function toRow(line: z.infer<typeof GenericLineSchema>): EvalRow {
  const outcomes = Object.fromEntries(Object.entries(line.outcomes).flatMap(([m, s]) => (s === null ? [] : [[m, s] as const])));
  return {
    prompt: line.prompt,
    outcomes,
    ...(line.costs !== undefined ? { costs: line.costs } : {}),
    ...(line.split !== undefined ? { split: line.split } : {}),
    ...(line.group !== undefined ? { group: line.group } : {}),
  };
}

function meanObservedCosts(file: string, models: readonly string[], rows: readonly EvalRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const model of models) {
    const seen = rows.flatMap((r) => (r.costs?.[model] !== undefined ? [r.costs[model]] : []));
    if (seen.length === 0) throw lineError(file, 1, `model ${model} has a cost on no row, while other models have costs`);
    out[model] = seen.reduce((a, b) => a + b, 0) / seen.length;
  }
  return out;
}
