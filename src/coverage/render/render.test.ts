import { describe, expect, it } from 'vitest';
import { CoverageReportSchema, type CoverageReport } from '../report-schema.js';
import { renderReport } from './render.js';

const REPORT: CoverageReport = {
  version: 1,
  generatedAt: '2025-03-14T00:00:00.000Z',
  window: { since: '2025-03-01T00:00:00.000Z', until: '2025-03-14T00:00:00.000Z' },
  embedder: 'lexical:test',
  coverageThreshold: 0.5,
  clusterCutoff: 0.6,
  minCluster: 3,
  sparseTrials: 4,
  totals: { decisions: 10, covered: 6, uncovered: 4, coveredRate: 0.6, uncoveredWithoutVector: 0, clustered: 3, scattered: 1, clusteredSample: 4 },
  candidates: [
    {
      id: 'c1',
      name: 'sourdough_bread',
      terms: [{ term: 'sourdough', score: 0.3 }, { term: 'bread', score: 0.2 }],
      size: 3,
      share: 0.3,
      uncoveredShare: 0.75,
      cohesion: 0.81,
      meanTopSimilarity: 0.31,
      representatives: [
        { decisionId: 'd1', promptHash: 'aaaa', text: 'Bake <b>sourdough</b> | bread', similarity: 0.9, count: 2 },
        { decisionId: 'd2', promptHash: 'bbbb', text: null, similarity: 0.8, count: 1 },
      ],
      nearestIntent: { intent: 'code', similarity: 0.31, agreement: 0.67 },
    },
  ],
  scattered: [{ decisionId: 'd9', promptHash: 'cccc', text: 'When does the orchid show open?', count: 1, topSimilarity: 0.22, nearestIntent: 'code' }],
  intents: [
    {
      intent: 'code',
      references: 3,
      traffic: 8,
      share: 0.8,
      coveredRate: 0.75,
      meanTopSimilarity: 0.7,
      basis: 'traffic',
      models: [
        { model: 'big', trials: 5.2, winRate: 0.75, sparse: false },
        { model: 'small', trials: 1.1, winRate: 0.25, sparse: true },
      ],
      sparseModels: ['small'],
      oneSided: false,
    },
  ],
  drift: { bucket: 'day', points: [{ start: '2025-03-13', decisions: 10, covered: 6, coveredRate: 0.6 }, { start: '2025-03-14', decisions: 0, covered: 0, coveredRate: null }] },
  map: { explained: [0.2, 0.1], points: [{ x: 0, y: 0, kind: 'reference', group: 'code' }, { x: 1, y: 1, kind: 'uncovered', group: 'c1' }, { x: 1, y: 0, kind: 'uncovered', group: null }] },
};

describe('renderReport', () => {
  it('table: names, shares, representatives and the hash of a prompt whose text was not kept', async () => {
    const out = await renderReport(REPORT, 'table');
    expect(out).toContain('sourdough_bread');
    expect(out).toContain('30.0%');
    expect(out).toContain('#bbbb (text not kept)');
    expect(out).toContain('"Bake <b>sourdough</b> | bread" ×2');
    expect(out).toContain('"When does the orchid show open?"  nearest: code (sim 0.22)');
    expect(out).toContain('sparse: small');
    expect(out).toMatch(/2025-03-13\s+10\s+60\.0%/);
  });

  it('md: tables with escaped pipes, one row per candidate and intent', async () => {
    const out = await renderReport(REPORT, 'md');
    expect(out).toContain('| c1 | **sourdough_bread** | 3 |');
    expect(out).toContain('Bake <b>sourdough</b> \\| bread');
    expect(out).toMatch(/^\| code \| 3 \| 8 \|/m);
  });

  it('table and md list only the days with decisions, and say how many quiet days they left out', async () => {
    for (const format of ['table', 'md'] as const) {
      const out = await renderReport(REPORT, format);
      expect(out).toContain('Covered rate per day (1 day without decisions left out)');
      expect(out).toMatch(/2025-03-13/);
      expect(out).not.toMatch(/2025-03-14 *\|? *0/);
    }
  });

  it('json: parses with the exported schema and round-trips', async () => {
    const parsed = CoverageReportSchema.parse(JSON.parse(await renderReport(REPORT, 'json')));
    expect(parsed).toEqual(REPORT);
  });

  it('html: one self-contained page with both charts, escaped text and no external resource', async () => {
    const out = await renderReport(REPORT, 'html');
    expect(out.startsWith('<!doctype html>')).toBe(true);
    expect(out.match(/<svg/g)).toHaveLength(2);
    expect(out).toContain('Bake &lt;b&gt;sourdough&lt;/b&gt;');
    // The text is isolated, so a right-to-left prompt does not carry the quotes and ×2 into its run.
    expect(out).toContain('"<bdi>Bake &lt;b&gt;sourdough&lt;/b&gt; | bread</bdi>" ×2');
    expect(out).not.toMatch(/<script|<link|src=|https?:\/\//);
    // The charts are Vega-Lite's SVG: the drift chart has both axes titled.
    expect(out).toContain('covered rate');
    expect(out).toContain('>decisions<');
    expect((await renderReport({ ...REPORT, map: undefined }, 'html')).match(/<svg/g)).toHaveLength(1);
  });

  it('says so plainly when there is nothing to report', async () => {
    const empty: CoverageReport = { ...REPORT, totals: { ...REPORT.totals, decisions: 0, covered: 0, uncovered: 0, coveredRate: null, clustered: 0, scattered: 0, clusteredSample: 0 }, candidates: [], scattered: [], intents: [], drift: { bucket: 'day', points: [] } };
    expect(await renderReport(empty, 'table')).toContain('no decisions in this window');
    expect(await renderReport(empty, 'md')).toContain('None: no uncovered cluster');
    expect(await renderReport(empty, 'html')).toContain('No decisions.');
  });
});
