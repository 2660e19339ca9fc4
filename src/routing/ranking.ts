import { trials, type WinRecord } from '../store/types.js';
import type { Evidence } from './types.js';

/**
 * The ranking the no-harm guard falls back to, pure; `decide` (policy.ts) and the leave-one-out fit
 * (policies/fit-policy.ts) both read it from here so they cannot drift apart.
 *
 * A fixed mix of single models (the zero router) is best mixed per task: the model that is best for
 * code is not the one that is best for multiple choice. So when the neighbours name an intent (the
 * similarity-weighted vote over their intents), each model is ranked by its success rate over that
 * intent's references, shrunk toward its rate over all references by `INTENT_PRIOR_TRIALS`
 * pseudo-trials (a Beta posterior mean, so an intent with a handful of records leans on all of
 * them). Without an intent the ranking is the global one. The same rate centres the Beta prior the
 * neighbours' evidence is shrunk toward (a two-level hierarchy: all references → intent →
 * neighbourhood).
 */

/** Per intent, per model: the records summed over that intent's references. */
export type IntentTotals = ReadonlyMap<string, ReadonlyMap<string, WinRecord>>;

/** Pseudo-trials at the global rate added to an intent's own trials (about ten one-trial references' worth). */
export const INTENT_PRIOR_TRIALS = 10;

/** Wins + ties/2 over trials; 0.5 for a model without records (assumed average, not bad). */
export function successRate(total: WinRecord | undefined): number {
  return total && trials(total) > 0 ? (total.wins + total.ties / 2) / trials(total) : 0.5;
}

/** The model's ranking rate: its intent's rate shrunk toward `globalRate`, or `globalRate` without an intent record. */
export function rankingRate(globalRate: number, intentTotal: WinRecord | undefined): number {
  if (!intentTotal) return globalRate;
  const n = trials(intentTotal);
  return (intentTotal.wins + intentTotal.ties / 2 + INTENT_PRIOR_TRIALS * globalRate) / (n + INTENT_PRIOR_TRIALS);
}

/**
 * The intent with the largest vote, each neighbour voting with its policy weight; a tiny rank term
 * lets the nearest intent win when every weight is zero. Null when no neighbour has an intent.
 */
export function votedIntent(evidence: readonly Pick<Evidence, 'intent'>[], weights: readonly number[]): string | null {
  const votes = new Map<string, number>();
  evidence.forEach((e, i) => {
    if (e.intent === null) return;
    votes.set(e.intent, (votes.get(e.intent) ?? 0) + (weights[i] ?? 0) + 1e-9 / (i + 1));
  });
  let best: string | null = null;
  let bestVote = -Infinity;
  for (const [intent, vote] of votes) if (vote > bestVote) [best, bestVote] = [intent, vote];
  return best;
}

/** a − b, record by record (leave-one-out takes a sample's own records out of the totals). */
export function withoutRecord(a: WinRecord | undefined, b: WinRecord | undefined): WinRecord | undefined {
  if (!a || !b) return a;
  return { wins: Math.max(0, a.wins - b.wins), losses: Math.max(0, a.losses - b.losses), ties: Math.max(0, a.ties - b.ties) };
}
