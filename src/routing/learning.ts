import type { OutcomeKind } from '../store/outcome-store.js';
import type { WinRecord } from '../store/types.js';
import { neighbourWeight } from './policy.js';

export interface OutcomeFact {
  readonly model: string;
  readonly kind: OutcomeKind;
  /** 1/0 for success, the score in [0,1], or 1/0.5/0 for a pairwise win/tie/loss. */
  readonly value: number;
  readonly opponent: string | null;
}

export interface LearningParams {
  readonly similarityPower: number;
  /** Neighbours less similar than this (the coverage threshold) learn nothing from the outcome. */
  readonly minSimilarity: number;
}

export interface Target {
  readonly referenceId: number;
  readonly weight: number;
}

export interface Delta extends WinRecord {
  readonly referenceId: number;
  readonly model: string;
}

/**
 * One outcome as win/loss/tie counts, at full weight. A success is a win against the field, a
 * failure a loss; a score s is s of a win and 1−s of a loss; a pairwise result moves both models.
 */
export function outcomeRecords(fact: OutcomeFact): Map<string, WinRecord> {
  const out = new Map<string, WinRecord>();
  if (fact.kind === 'pairwise') {
    out.set(fact.model, pairwiseRecord(fact.value));
    if (fact.opponent !== null && fact.opponent !== fact.model) out.set(fact.opponent, pairwiseRecord(1 - fact.value));
    return out;
  }
  out.set(fact.model, { wins: fact.value, losses: 1 - fact.value, ties: 0 });
  return out;
}

function pairwiseRecord(value: number): WinRecord {
  if (value === 0.5) return { wins: 0, losses: 0, ties: 1 };
  return value > 0.5 ? { wins: 1, losses: 0, ties: 0 } : { wins: 0, losses: 1, ties: 0 };
}

/**
 * Where an outcome is learned. The prompt's own reference, when it has one, takes it whole.
 * Otherwise it is spread over the decision's neighbours in proportion to their routing weight
 * (similarity^power), so one outcome adds one trial in total, most of it to the closest references.
 */
export function learningTargets(ownReference: number | null, neighbours: readonly { id: number; similarity: number }[], params: LearningParams): Target[] {
  if (ownReference !== null) return [{ referenceId: ownReference, weight: 1 }];
  const eligible = neighbours
    .filter((n) => n.similarity >= params.minSimilarity)
    .map((n) => ({ referenceId: n.id, weight: neighbourWeight(n.similarity, params.similarityPower) }))
    .filter((t) => t.weight > 0);
  const total = eligible.reduce((s, t) => s + t.weight, 0);
  return total === 0 ? [] : eligible.map((t) => ({ referenceId: t.referenceId, weight: t.weight / total }));
}

export function deltasFor(fact: OutcomeFact, targets: readonly Target[]): Delta[] {
  const records = outcomeRecords(fact);
  return targets.flatMap((t) =>
    [...records].map(([model, r]) => ({ referenceId: t.referenceId, model, wins: r.wins * t.weight, losses: r.losses * t.weight, ties: r.ties * t.weight })),
  );
}

/** The sum of several outcomes' records at full weight: a promoted prompt's starting record. */
export function sumRecords(facts: readonly OutcomeFact[]): Map<string, WinRecord> {
  const sum = new Map<string, WinRecord>();
  for (const fact of facts) {
    for (const [model, r] of outcomeRecords(fact)) {
      const prev = sum.get(model) ?? { wins: 0, losses: 0, ties: 0 };
      sum.set(model, { wins: prev.wins + r.wins, losses: prev.losses + r.losses, ties: prev.ties + r.ties });
    }
  }
  return sum;
}
