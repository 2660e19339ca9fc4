import { describe, expect, it } from 'vitest';
import type { CurvePoint, GroupReport, PolicyReport } from './report.js';
import { renderGroup, renderSummary } from './render-table.js';

/** RouterDC's shape: every model at the same cost, so the cost-weight sweep routes alike at every weight. */
function equalCostGroup(margin: number): GroupReport {
  const point = (costWeight: number, quality: number): CurvePoint => ({ costWeight, quality, cost: 1, predictedQuality: 0.6, modelShare: { a: 0.7, b: 0.3 } });
  const curve = [...Array.from({ length: 50 }, (_, i) => point(i / 100, 0.62)), point(0.5, 0.61), point(0.6, 0.62)];
  const policy: PolicyReport = {
    policy: 'knn-winrate',
    uncoveredShare: 0,
    curve,
    hull: [],
    costAtParity: null,
    qualityAtHalfCost: null,
    aiq: null,
    apgr: null,
    cpt95: null,
    strongCallsAt95PctQuality: null,
    costSavingsAt95PctQuality: null,
    noHarmMargin: margin,
  };
  const a = { model: 'a', quality: 0.62, cost: 1 };
  return { group: 'mmlu', rows: 10, perModel: [a, { model: 'b', quality: 0.5, cost: 1 }], bestSingle: a, cheapest: a, random: a, oracle: a, zeroRouterAiq: null, policies: [policy], targets: [] };
}

describe('renderGroup and renderSummary', () => {
  it('print a margin that rounds to zero as 0.000, never -0.000', () => {
    const g = equalCostGroup(-0.0001);
    expect(renderSummary([g])).not.toContain('-0.000');
    expect(renderSummary([g]).split('\n')[2]).toMatch(/ 0\.000 /);
    expect(renderGroup(g)).toContain('(0.000 vs the zero router)');
    expect(renderSummary([equalCostGroup(-0.0123)])).toContain('-0.012');
  });

  it('collapse consecutive sweep rows that differ only in costWeight, saying how many they cover', () => {
    const lines = renderGroup(equalCostGroup(0)).split('\n');
    const sweep = lines.filter((l) => /^ {2}\d/.test(l));
    expect(sweep).toHaveLength(3);
    expect(sweep[0]).toMatch(/^ {2}0–0\.49 \(50 costWeights\) +0\.620 /);
    expect(sweep[1]).toMatch(/^ {2}0\.5 +0\.610 /);
    expect(sweep[2]).toMatch(/^ {2}0\.6 +0\.620 /);
  });
});
