import { describe, expect, it } from 'vitest';
import { analyzeCoverage } from './analyze.js';
import { CoverageReportSchema } from './report-schema.js';
import type { CoverageInput, ReferenceItem, TrafficItem } from './types.js';

const DIMS = 8;

/** A unit vector mostly along `axis`, nudged along `wobble` so members of one group differ a little. */
function vec(axis: number, wobble = 0, amount = 0): Float32Array {
  const v = new Float32Array(DIMS);
  v[axis] = 1;
  v[wobble] = (v[wobble] ?? 0) + amount;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const rec = (wins: number, losses: number) => ({ wins, losses, ties: 0 });

function references(): ReferenceItem[] {
  const code = ['Write a Python function to sort a list', 'Implement a binary search in Python', 'Write a function that parses JSON'];
  const mail = ['Draft an email declining a meeting', 'Write a polite email asking for a refund'];
  return [
    ...code.map((text, i) => ({ id: i + 1, text, intent: 'code', vector: vec(0, 1, 0.1 * i), records: new Map([['big', rec(6, 2)], ['small', rec(2, 6)]]) })),
    // Every email record is from one model: a one-sided intent.
    ...mail.map((text, i) => ({ id: i + 10, text, intent: 'email', vector: vec(2, 1, 0.1 * i), records: new Map([['big', rec(3, 1)]]) })),
  ];
}

let n = 0;
function item(over: Partial<TrafficItem> & Pick<TrafficItem, 'vector' | 'covered'>): TrafficItem {
  n += 1;
  return {
    id: `d${n}`,
    createdAt: '2025-03-10T12:00:00.000Z',
    promptHash: `hash${n}`,
    text: null,
    topSimilarity: over.covered ? 0.9 : 0.3,
    intent: 'code',
    neighborIds: [1, 2],
    neighborSimilarities: [over.covered ? 0.9 : 0.3, 0.2],
    ...over,
  };
}

const BREAD = ['How do I bake sourdough bread at home', 'Sourdough bread recipe with rye flour', 'Why is my sourdough bread dense', 'Bake bread without a sourdough starter'];
const GARDEN = ['When to plant tomato seedlings in the garden', 'Tomato leaves turning yellow in my garden', 'Watering tomato plants in a garden'];

function traffic(withText: boolean): TrafficItem[] {
  return [
    ...[0, 1, 2, 3, 4].map((i) => item({ covered: true, vector: vec(0, 1, 0.05 * i), text: withText ? 'Write a Python function' : null })),
    ...BREAD.map((t, i) => item({ covered: false, vector: vec(4, 5, 0.1 * i), text: withText ? t : null, intent: 'email', neighborIds: [10, 1] })),
    ...GARDEN.map((t, i) => item({ covered: false, vector: vec(6, 5, 0.1 * i), text: withText ? t : null })),
    item({ covered: false, vector: vec(7), text: withText ? 'Something else entirely' : null }),
  ];
}

function input(decisions: TrafficItem[], since: string | null = '2025-03-01T00:00:00.000Z'): CoverageInput {
  return { decisions, references: references(), coverageThreshold: 0.6, similarityPower: 4, embedder: 'test', window: { since, until: '2025-03-14T00:00:00.000Z' } };
}

const GENERATED = '2025-03-14T00:00:00.000Z';

describe('analyzeCoverage', () => {
  it('groups uncovered traffic into the clusters it was built from, and names them from their terms', () => {
    const report = CoverageReportSchema.parse(analyzeCoverage(input(traffic(true)), { generatedAt: GENERATED, clusterCutoff: 0.5 }));
    expect(report.totals).toMatchObject({ decisions: 13, covered: 5, uncovered: 8, clustered: 7, scattered: 1, uncoveredWithoutVector: 0 });
    expect(report.candidates.map((c) => c.size)).toEqual([4, 3]);
    const [bread, garden] = report.candidates;
    expect(bread?.name).toContain('sourdough');
    expect(bread?.terms.some((t) => t.term.includes('bread'))).toBe(true);
    expect(garden?.name).toMatch(/tomato|garden/);
    expect(bread?.share).toBeCloseTo(4 / 13);
    expect(bread?.uncoveredShare).toBeCloseTo(4 / 8);
    expect(bread?.nearestIntent).toMatchObject({ intent: 'email', agreement: 1 });
    expect(garden?.nearestIntent?.intent).toBe('code');
    expect(bread?.representatives).toHaveLength(3);
    expect(BREAD).toContain(bread?.representatives[0]?.text);
  });

  it('shows the hash when the text was not kept, and suggests no name', () => {
    const report = analyzeCoverage(input(traffic(false)), { generatedAt: GENERATED, clusterCutoff: 0.5 });
    const first = report.candidates[0];
    expect(first?.name).toBeNull();
    expect(first?.terms).toEqual([]);
    expect(first?.representatives[0]?.text).toBeNull();
    expect(first?.representatives[0]?.promptHash).toMatch(/^hash\d+$/);
  });

  it('does not report clusters smaller than minCluster', () => {
    const report = analyzeCoverage(input(traffic(true)), { generatedAt: GENERATED, clusterCutoff: 0.5, minCluster: 4 });
    expect(report.candidates.map((c) => c.size)).toEqual([4]);
    expect(report.totals.scattered).toBe(4);
  });

  it('gives the same clusters when only a sample is clustered and the rest join their nearest cluster', () => {
    const full = analyzeCoverage(input(traffic(true)), { generatedAt: GENERATED, clusterCutoff: 0.5 });
    const sampled = analyzeCoverage(input(traffic(true)), { generatedAt: GENERATED, clusterCutoff: 0.5, maxClusterPoints: 6, minCluster: 2 });
    expect(sampled.totals.clusteredSample).toBe(6);
    expect(sampled.candidates.reduce((s, c) => s + c.size, 0)).toBe(full.totals.clustered);
  });

  it('reports per intent the traffic, covered rate, evidence per model, sparse cells and one-sided intents', () => {
    const report = analyzeCoverage(input(traffic(true)), { generatedAt: GENERATED, clusterCutoff: 0.5, sparseTrials: 4 });
    const code = report.intents.find((i) => i.intent === 'code');
    const email = report.intents.find((i) => i.intent === 'email');
    expect(code).toMatchObject({ references: 3, traffic: 9, basis: 'traffic', oneSided: false });
    expect(code?.coveredRate).toBeCloseTo(5 / 9);
    // Per covered request: neighbours at 0.9 and 0.2 → 0.9^4 × 8 + 0.2^4 × 8 trials for each model.
    const big = code?.models.find((m) => m.model === 'big');
    expect(big?.trials).toBeCloseTo(0.9 ** 4 * 8 + 0.2 ** 4 * 8, 2);
    expect(big?.winRate).toBeCloseTo(0.75, 2);
    expect(big?.sparse).toBe(false);
    // The email intent had only uncovered traffic, so its references' own records stand in.
    expect(email).toMatchObject({ basis: 'references', oneSided: true, sparseModels: ['small'] });
  });

  it('gives an empty report for no traffic, not an error', () => {
    const report = CoverageReportSchema.parse(analyzeCoverage(input([]), { generatedAt: GENERATED }));
    expect(report.totals).toMatchObject({ decisions: 0, covered: 0, uncovered: 0, coveredRate: null, clustered: 0 });
    expect(report.candidates).toEqual([]);
    expect(report.intents.map((i) => i.intent).sort()).toEqual(['code', 'email']);
    expect(report.drift.points.every((p) => p.decisions === 0 && p.coveredRate === null)).toBe(true);
    expect(analyzeCoverage({ ...input([], null), references: [] }, { generatedAt: GENERATED, map: true }).drift.points).toEqual([]);
  });

  it('tracks the covered rate per day, keeping empty days', () => {
    const days = ['2025-03-10T01:00:00Z', '2025-03-10T23:00:00Z', '2025-03-12T05:00:00Z'];
    const decisions = days.map((createdAt, i) => item({ createdAt, covered: i !== 1, vector: vec(0) }));
    const report = analyzeCoverage(input(decisions, '2025-03-10T00:00:00Z'), { generatedAt: GENERATED, bucket: 'day' });
    expect(report.drift.points.slice(0, 3)).toEqual([
      { start: '2025-03-10', decisions: 2, covered: 1, coveredRate: 0.5 },
      { start: '2025-03-11', decisions: 0, covered: 0, coveredRate: null },
      { start: '2025-03-12', decisions: 1, covered: 1, coveredRate: 1 },
    ]);
    expect(analyzeCoverage(input(decisions, '2025-01-01T00:00:00Z'), { generatedAt: GENERATED }).drift.bucket).toBe('week');
  });

  it('adds a 2-D map of references and uncovered prompts when asked', () => {
    const report = analyzeCoverage(input(traffic(true)), { generatedAt: GENERATED, clusterCutoff: 0.5, map: true });
    expect(report.map?.points.filter((p) => p.kind === 'reference')).toHaveLength(5);
    expect(report.map?.points.filter((p) => p.kind === 'uncovered').map((p) => p.group).sort()).toEqual(['c1', 'c1', 'c1', 'c1', 'c2', 'c2', 'c2', null]);
    expect(analyzeCoverage(input(traffic(true)), { generatedAt: GENERATED }).map).toBeUndefined();
  });
});

describe('decisions with no text or in another language', () => {
  it('are counted apart, never clustered into a candidate or listed as scattered prompts', () => {
    const GEN = '2025-03-14T00:00:00.000Z';
    const empty = [0, 1, 2].map(() => item({ covered: false, vector: new Float32Array(DIMS), text: '', reason: 'empty', neighborIds: [] }));
    const german = ['Übersetze diesen Satz ins Englische', 'Wie spät ist es in Tokio', 'Schreib mir ein Gedicht über den Herbst'];
    const foreign = german.map((t, i) => item({ covered: false, vector: vec(3, 5, 0.05 * i), text: t, reason: 'language' }));
    const report = CoverageReportSchema.parse(analyzeCoverage(input([...traffic(true), ...empty, ...foreign]), { generatedAt: GEN, clusterCutoff: 0.5 }));
    expect(report.totals).toMatchObject({ noText: 3, otherLanguage: 3, uncoveredWithoutVector: 0 });
    const members = [...report.candidates.flatMap((c) => c.representatives.map((r) => r.text)), ...report.scattered.map((s) => s.text)];
    for (const t of ['', ...german]) expect(members).not.toContain(t);
    expect(report.candidates).toHaveLength(2);
  });

  it('lists the prompts in other languages as their own group: distinct, most repeated first, with the language the router detected', () => {
    const GEN = '2025-03-14T00:00:00.000Z';
    const language = (text: string, code: string | null, promptHash: string) => item({ covered: false, vector: vec(3), text, promptHash, reason: 'language', language: code });
    const decisions = [
      language('Wie spät ist es in Tokio', 'de', 'h-de'),
      language('Combien coûte un billet pour Lyon ?', 'fr', 'h-fr'),
      language('Combien coûte un billet pour Lyon ?', 'fr', 'h-fr'),
      language('Ciao, come stai oggi?', null, 'h-old'),
      item({ covered: false, vector: vec(3), text: 'no text kept', reason: 'uncovered' }),
    ];
    const report = CoverageReportSchema.parse(analyzeCoverage(input([...traffic(true), ...decisions]), { generatedAt: GEN, clusterCutoff: 0.5 }));
    expect(report.totals.otherLanguage).toBe(4);
    expect(report.otherLanguage?.map((p) => [p.text, p.language, p.count])).toEqual([
      ['Combien coûte un billet pour Lyon ?', 'fr', 2],
      ['Wie spät ist es in Tokio', 'de', 1],
      ['Ciao, come stai oggi?', null, 1],
    ]);
  });
});
