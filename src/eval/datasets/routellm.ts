import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { csvObjects } from '../csv.js';
import type { EvalDataset, EvalRow } from '../types.js';
import { lineError, parseAt } from './line-error.js';
import { readJsonLines } from './json-lines.js';
import { AppError } from '../../shared/errors.js';

export const STRONG = 'gpt-4-1106-preview';
export const WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

/**
 * RouteLLM's files carry no costs. Per call we assume 500 input + 500 output tokens at list prices:
 * GPT-4 Turbo $10/$30 per 1M tokens → $0.0200; Mixtral-8x7B $0.60/$0.60 per 1M (Together AI,
 * 2024) → $0.0006. A ratio of about 33:1; cost is then linear in the share of strong calls.
 */
export const ROUTELLM_PER_CALL_USD: Readonly<Record<string, number>> = { [STRONG]: 0.02, [WEAK]: 0.0006 };

const Correct = z.enum(['True', 'False']).transform((v) => (v === 'True' ? 1 : 0));
const Contaminated = z.looseObject({ eval_prompt: z.string() });
const Question = z.looseObject({ question_id: z.number().int(), turns: z.array(z.string()).length(2) });
const Judgement = z.looseObject({
  question_id: z.number().int(),
  model: z.string(),
  turn: z.union([z.literal(1), z.literal(2)]),
  score: z.number().min(1).max(10),
});

export type RoutellmGroup = 'mmlu' | 'gsm8k' | 'mt_bench';
export const ROUTELLM_GROUPS: readonly RoutellmGroup[] = ['mmlu', 'gsm8k', 'mt_bench'];

/**
 * RouteLLM's eval outcomes, GPT-4 Turbo vs Mixtral: MMLU (57 subject CSVs) and GSM8K (True/False
 * correctness) and MT-Bench (GPT-4 judge scores 1–10 per turn; a question's outcome is the mean of
 * its two turns mapped to [0,1] by (score − 1) / 9, and it is routed on its first turn, as RouteLLM
 * does). Prompts listed in each benchmark's contaminated_prompts.jsonl are excluded, as RouteLLM does.
 */
export function loadRoutellm(dir: string, groups: readonly RoutellmGroup[] = ROUTELLM_GROUPS): EvalDataset {
  const rows: EvalRow[] = [];
  const notes: string[] = [];
  for (const group of groups) {
    const read = group === 'mt_bench' ? readMtBench(path.join(dir, 'mt_bench')) : readCorrectness(path.join(dir, group), group);
    rows.push(...read.rows);
    notes.push(`${group}: ${read.rows.length} prompts after excluding ${read.excluded} contaminated`);
  }
  return {
    name: 'routellm',
    rows,
    models: [STRONG, WEAK].sort(),
    perCallCost: ROUTELLM_PER_CALL_USD,
    strongModel: STRONG,
    costNote: `no costs in the data: per call GPT-4 Turbo $${ROUTELLM_PER_CALL_USD[STRONG]} vs Mixtral $${ROUTELLM_PER_CALL_USD[WEAK]} (500 in + 500 out tokens at list prices, about 33:1)`,
    notes,
  };
}

function contaminated(dir: string): Set<string> {
  const file = path.join(dir, 'contaminated_prompts.jsonl');
  return new Set(readJsonLines(file).map(({ line, value }) => parseAt(Contaminated, value, { file, line }).eval_prompt));
}

function readCorrectness(dir: string, group: 'mmlu' | 'gsm8k'): { rows: EvalRow[]; excluded: number } {
  const files = readdirSync(dir).filter((f) => (group === 'mmlu' ? /^mmlu_.+\.csv$/.test(f) : f === 'gsm8k_responses.csv')).sort();
  if (files.length === 0) throw new AppError('VALIDATION_FAILED', `${dir}: no ${group} response CSVs`);
  const skip = contaminated(dir);
  const rows: EvalRow[] = [];
  let excluded = 0;
  for (const name of files) {
    const file = path.join(dir, name);
    for (const { line, values } of csvObjects(readFileSync(file, 'utf8'), file)) {
      const prompt = values['prompt'] ?? '';
      if (prompt.trim() === '') throw lineError(file, line, 'prompt is empty');
      if (skip.has(prompt)) {
        excluded += 1;
        continue;
      }
      const at = { file, line };
      const outcomes = { [STRONG]: parseAt(Correct, values[STRONG], at), [WEAK]: parseAt(Correct, values[WEAK], at) };
      rows.push({ prompt, outcomes, group });
    }
  }
  return { rows, excluded };
}

function readMtBench(dir: string): { rows: EvalRow[]; excluded: number } {
  const skip = contaminated(dir);
  const qFile = path.join(dir, 'question.jsonl');
  const questions = readJsonLines(qFile).map(({ line, value }) => ({ line, q: parseAt(Question, value, { file: qFile, line }) }));
  const scores = turnScores(path.join(dir, 'judgements.jsonl'));
  const rows: EvalRow[] = [];
  let excluded = 0;
  for (const { line, q } of questions) {
    if (q.turns.some((t) => skip.has(t))) {
      excluded += 1;
      continue;
    }
    const outcomes: Record<string, number> = {};
    for (const model of [STRONG, WEAK]) {
      const turns = scores.get(`${q.question_id}|${model}`) ?? [];
      if (turns.length !== 2) throw lineError(qFile, line, `question ${q.question_id} has ${turns.length} judged turns for ${model}, expected 2`);
      outcomes[model] = (turns.reduce((a, b) => a + b, 0) / 2 - 1) / 9;
    }
    rows.push({ prompt: q.turns[0] ?? '', outcomes, group: 'mt_bench' });
  }
  return { rows, excluded };
}

/** Judge scores per `question|model`, one per turn. */
function turnScores(file: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { line, value } of readJsonLines(file)) {
    const j = parseAt(Judgement, value, { file, line });
    const key = `${j.question_id}|${j.model}`;
    out.set(key, [...(out.get(key) ?? []), j.score]);
  }
  return out;
}
