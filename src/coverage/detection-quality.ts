import { percentile } from './calibrate.js';

/**
 * Measures of how well coverage detection works, against ground truth: which traffic came from
 * intents the references know. Used by scripts/coverage-experiment.ts; pure, so it is tested.
 */

export interface LabelledFlag {
  /** The prompt's true intent is among the references' intents. */
  readonly known: boolean;
  readonly flagged: boolean;
}

export interface FlagRates {
  /** Share of unknown-intent traffic flagged uncovered. */
  readonly recall: number;
  /** Share of known-intent traffic flagged uncovered. */
  readonly falseFlagRate: number;
  readonly unknown: number;
  readonly known: number;
}

export function flagRates(items: readonly LabelledFlag[]): FlagRates {
  const unknown = items.filter((i) => !i.known);
  const known = items.filter((i) => i.known);
  return {
    recall: unknown.length === 0 ? 0 : unknown.filter((i) => i.flagged).length / unknown.length,
    falseFlagRate: known.length === 0 ? 0 : known.filter((i) => i.flagged).length / known.length,
    unknown: unknown.length,
    known: known.length,
  };
}

export interface ScoredItem {
  readonly known: boolean;
  /** Higher = more covered (e.g. top similarity); a prompt is flagged when its score < threshold. */
  readonly score: number;
}

export interface TradeoffPoint {
  readonly threshold: number;
  readonly falseFlagRate: number;
  readonly recall: number;
}

/** Thresholds chosen so the known traffic's false-flag rate steps through `rates`; recall at each. */
export function tradeoffCurve(items: readonly ScoredItem[], rates: readonly number[]): TradeoffPoint[] {
  const knownScores = items.filter((i) => i.known).map((i) => i.score);
  if (knownScores.length === 0) return [];
  return rates.map((rate) => {
    const threshold = percentile(knownScores, rate * 100);
    const r = flagRates(items.map((i) => ({ known: i.known, flagged: i.score < threshold })));
    return { threshold, falseFlagRate: r.falseFlagRate, recall: r.recall };
  });
}

/** Area under the ROC curve of "unknown" vs "known" by score: P(an unknown scores below a known), ties half. */
export function auroc(items: readonly ScoredItem[]): number {
  const sorted = [...items].sort((a, b) => a.score - b.score);
  const unknownTotal = sorted.filter((i) => !i.known).length;
  const knownTotal = sorted.length - unknownTotal;
  if (unknownTotal === 0 || knownTotal === 0) return 0.5;
  let knownAbove = knownTotal;
  let sum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    let u = 0;
    let k = 0;
    const score = sorted[i]?.score;
    while (j < sorted.length && sorted[j]?.score === score) {
      if (sorted[j]?.known) k += 1;
      else u += 1;
      j += 1;
    }
    knownAbove -= k;
    sum += u * (knownAbove + k / 2);
    i = j;
  }
  return sum / (unknownTotal * knownTotal);
}

export interface ClusterQuality {
  /** Σ majority-intent members / Σ members, over the candidate clusters. */
  readonly purity: number;
  readonly clusters: number;
  readonly clustered: number;
  /** Unknown intents with at least `minUtterances` utterances in the traffic. */
  readonly eligible: number;
  /** Of those, how many have an own cluster (see `clusterQuality`). */
  readonly withOwnCluster: number;
  readonly ownIntents: readonly string[];
}

/**
 * `members`: candidate id per flagged item (null = scattered); `truth`: true intent per item.
 * An unknown intent has an *own cluster* when some candidate's majority intent is that intent and
 * that candidate holds at least `ownShare` of the intent's flagged (uncovered) utterances.
 */
export function clusterQuality(
  members: ReadonlyMap<string, string | null>,
  truth: ReadonlyMap<string, string>,
  options: { unknownIntents: ReadonlySet<string>; trafficPerIntent: ReadonlyMap<string, number>; minUtterances: number; ownShare: number },
): ClusterQuality {
  const byCluster = new Map<string, Map<string, number>>();
  const flaggedPerIntent = new Map<string, number>();
  for (const [id, cluster] of members) {
    const intent = truth.get(id);
    if (intent === undefined) continue;
    flaggedPerIntent.set(intent, (flaggedPerIntent.get(intent) ?? 0) + 1);
    if (cluster === null) continue;
    const counts = byCluster.get(cluster) ?? new Map<string, number>();
    counts.set(intent, (counts.get(intent) ?? 0) + 1);
    byCluster.set(cluster, counts);
  }
  let majoritySum = 0;
  let clustered = 0;
  const own = new Set<string>();
  for (const counts of byCluster.values()) {
    const [majority, count] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? ['', 0];
    majoritySum += count;
    clustered += [...counts.values()].reduce((s, x) => s + x, 0);
    const flagged = flaggedPerIntent.get(majority) ?? 0;
    if (options.unknownIntents.has(majority) && flagged > 0 && count / flagged >= options.ownShare) own.add(majority);
  }
  const eligible = [...options.unknownIntents].filter((i) => (options.trafficPerIntent.get(i) ?? 0) >= options.minUtterances);
  const ownIntents = eligible.filter((i) => own.has(i)).sort();
  return { purity: clustered === 0 ? 0 : majoritySum / clustered, clusters: byCluster.size, clustered, eligible: eligible.length, withOwnCluster: ownIntents.length, ownIntents };
}
