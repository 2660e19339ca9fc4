import { contentHash } from '../store/content-hash.js';
import type { ReferenceInput, WinRecord } from '../store/types.js';
import type { EvalRow } from './types.js';

/**
 * How a prompt's per-model scores become win records:
 * - `success`: each model's own result, wins = score and losses = 1 − score (one trial). A binary
 *   outcome is one win or one loss; a graded one (0.3 = 3 of 10 samples passed) splits the trial.
 *   The policy's win rate then *is* the model's success rate, comparable across models and prompts.
 * - `pairwise`: every pair of models with known scores is one comparison, the higher score wins and
 *   equal scores tie (n − 1 trials per model with n models), the format of LLM-as-judge battles.
 *   Rates are relative: when every model is right, every model ties at 0.5.
 */
export type RecordScheme = 'success' | 'pairwise';
export const RECORD_SCHEMES = ['success', 'pairwise'] as const;

/** Scores closer than this are equal (graded scores are fractions of a few samples). */
const TIE_EPSILON = 1e-9;

export function recordsFromOutcomes(outcomes: Readonly<Record<string, number>>, scheme: RecordScheme): Record<string, WinRecord> {
  if (scheme === 'success') {
    return Object.fromEntries(Object.entries(outcomes).map(([model, s]) => [model, { wins: s, losses: 1 - s, ties: 0 }]));
  }
  const entries = Object.entries(outcomes);
  const records: Record<string, WinRecord> = {};
  for (const [model, score] of entries) {
    const r: WinRecord = { wins: 0, losses: 0, ties: 0 };
    for (const [other, otherScore] of entries) {
      if (other === model) continue;
      if (Math.abs(score - otherScore) <= TIE_EPSILON) r.ties += 1;
      else if (score > otherScore) r.wins += 1;
      else r.losses += 1;
    }
    // A model alone on a prompt was compared with nobody: no evidence either way.
    if (r.wins + r.losses + r.ties > 0) records[model] = r;
  }
  return records;
}

/**
 * Training rows as reference prompts. Rows with the same text (after the store's normalisation)
 * become one reference whose records are the sum of theirs, since the store keys prompts by that hash.
 */
export function referenceItems(rows: readonly EvalRow[], scheme: RecordScheme): ReferenceInput[] {
  const byHash = new Map<string, { text: string; intent: string | null; records: Record<string, WinRecord> }>();
  for (const row of rows) {
    const hash = contentHash(row.prompt);
    const item = byHash.get(hash) ?? { text: row.prompt, intent: intentOf(row.group), records: {} };
    byHash.set(hash, item);
    for (const [model, r] of Object.entries(recordsFromOutcomes(row.outcomes, scheme))) {
      const prev = item.records[model] ?? { wins: 0, losses: 0, ties: 0 };
      item.records[model] = { wins: prev.wins + r.wins, losses: prev.losses + r.losses, ties: prev.ties + r.ties };
    }
  }
  return [...byHash].map(([contentHash, item]) => ({ ...item, contentHash }));
}

/** The group names the reference's intent (one word, as seed files require). */
export function intentOf(group: string | undefined): string | null {
  if (group === undefined) return null;
  const word = group.replace(/[^\p{L}\p{N}_.:-]+/gu, '_').slice(0, 100);
  return word === '' ? null : word;
}
