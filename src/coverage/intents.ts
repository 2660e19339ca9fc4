import { neighbourWeight } from '../routing/policy.js';
import { trials, type WinRecord } from '../store/types.js';
import type { IntentStats, ModelCell } from './report-schema.js';
import type { CoverageInput, CoverageOptions, ReferenceItem, TrafficItem } from './types.js';
import { mean } from './vectors.js';

interface Tally {
  trials: number;
  wins: number;
}

/**
 * Per known intent: its traffic, covered rate and, per model, the evidence behind routing there.
 * With covered traffic, a cell is what the policy weighed: the similarity-weighted trials over each
 * covered request's neighbours (weight = similarity^power), averaged per request, so "sparse" means
 * a typical routed request of this intent had less evidence for that model than the minimum.
 * Uncovered requests are left out: the policy does not use their evidence (they get the default).
 * Without covered traffic, the intent's references' own records stand in.
 */
export function intentStats(input: CoverageInput, options: Pick<CoverageOptions, 'sparseTrials'>): IntentStats[] {
  const refsByIntent = groupBy(input.references, (r) => r.intent);
  const trafficByIntent = groupBy(input.decisions, (d) => d.intent);
  const records = new Map(input.references.map((r) => [r.id, r.records]));
  const models = input.models ?? [...new Set(input.references.flatMap((r) => [...r.records.keys()]))].sort();
  const intents = [...new Set([...refsByIntent.keys(), ...trafficByIntent.keys()])];
  const total = input.decisions.length;
  return intents
    .map((intent) => {
      const refs = refsByIntent.get(intent) ?? [];
      const traffic = trafficByIntent.get(intent) ?? [];
      const routed = traffic.filter((d) => d.covered);
      const tallies = routed.length > 0 ? trafficTallies(routed, records, input.similarityPower) : referenceTallies(refs);
      const cells: ModelCell[] = models.map((model) => {
        const t = tallies.get(model) ?? { trials: 0, wins: 0 };
        const perRequest = routed.length > 0 ? t.trials / routed.length : t.trials;
        return { model, trials: round(perRequest), winRate: t.trials > 0 ? round(t.wins / t.trials) : null, sparse: perRequest < options.sparseTrials };
      });
      return {
        intent,
        references: refs.length,
        traffic: traffic.length,
        share: total === 0 ? 0 : traffic.length / total,
        coveredRate: traffic.length === 0 ? null : routed.length / traffic.length,
        meanTopSimilarity: mean(traffic.flatMap((d) => (d.topSimilarity === null ? [] : [d.topSimilarity]))),
        basis: routed.length > 0 ? ('traffic' as const) : ('references' as const),
        models: cells,
        sparseModels: cells.filter((c) => c.sparse).map((c) => c.model),
        oneSided: recordModels(refs).size === 1,
      };
    })
    .sort((a, b) => b.traffic - a.traffic || b.references - a.references || a.intent.localeCompare(b.intent));
}

function trafficTallies(traffic: readonly TrafficItem[], records: ReadonlyMap<number, ReadonlyMap<string, WinRecord>>, power: number): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const d of traffic) {
    d.neighborIds.forEach((id, i) => {
      const w = neighbourWeight(d.neighborSimilarities[i] ?? 0, power);
      if (w === 0) return;
      for (const [model, r] of records.get(id) ?? new Map<string, WinRecord>()) add(out, model, { trials: w * trials(r), wins: w * (r.wins + r.ties / 2) });
    });
  }
  return out;
}

function referenceTallies(refs: readonly ReferenceItem[]): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const r of refs) for (const [model, rec] of r.records) add(out, model, { trials: trials(rec), wins: rec.wins + rec.ties / 2 });
  return out;
}

/** Models with at least one trial on these references. */
function recordModels(refs: readonly ReferenceItem[]): Set<string> {
  return new Set(refs.flatMap((r) => [...r.records].filter(([, rec]) => trials(rec) > 0).map(([model]) => model)));
}

function add(into: Map<string, Tally>, model: string, t: Tally): void {
  const prev = into.get(model) ?? { trials: 0, wins: 0 };
  into.set(model, { trials: prev.trials + t.trials, wins: prev.wins + t.wins });
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
