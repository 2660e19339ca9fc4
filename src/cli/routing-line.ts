import type { RoutingDescription } from '../routing/router.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * One line on the policy in force, for the seed summary and the start-up log: fitted values with
 * their leave-one-out quality, the target, and the held-out quality and cost share expected.
 */
export function formatRoutingLine(d: RoutingDescription): string {
  const gapOf = (g: number | null) => (g === null ? '∞' : String(g));
  const perIntent = Object.entries(d.intentGaps).map(([intent, g]) => `${intent} ${gapOf(g)}`);
  const intentGaps = perIntent.length === 0 ? '' : ` (per intent: ${perIntent.join(', ')})`;
  const settings = `k ${d.k}, similarityPower ${d.similarityPower}, priorStrength ${d.priorStrength}, gapThreshold ${gapOf(d.gapThreshold)}${intentGaps}`;
  const loo = d.loo
    ? `fitted by leave-one-out on ${d.loo.samples} references in ${d.loo.seconds.toFixed(1)} s (Brier ${d.loo.brier.toFixed(4)}, ` +
      `AIQ ${d.loo.aiq?.toFixed(3) ?? '–'} vs ${d.loo.zeroRouterAiq?.toFixed(3) ?? '–'} for the ranking alone)`
    : 'configured (not fitted: tuning off or too few references with records)';
  const target = d.target === null ? `costWeight ${d.costWeight.toFixed(4)}` : `target ${JSON.stringify(d.target)} → costWeight ${d.costWeight.toFixed(4)}${d.targetMet === false ? ' (not reachable: closest)' : ''}`;
  const expected = d.expected ? `; expected ${pct(d.expected.qualityShare)} of ${d.loo?.bestModel ?? 'the best model'}'s quality at ${pct(d.expected.costShare)} of its cost` : '';
  return `routing: ${settings}, ${loo}; ${target}${expected}`;
}
