import { inlineSvg, renderChartSvg, type ChartSpec } from '../../charts/vega-svg.js';
import type { CandidateIntent, CoverageReport, DriftPoint } from '../report-schema.js';

/** The HTML page's charts: Vega-Lite rendered to inline SVG when the report is written (no script, works offline). */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Distinct colours for candidate clusters (Tableau 10 + two); later clusters reuse them. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#2f4b7c', '#d45087', '#665191'];

export function colourOf(candidateIndex: number): string {
  return PALETTE[candidateIndex % PALETTE.length] ?? '#333';
}

const VOLUME = '#9fb3c8';
const RATE = '#1f5fa8';

/**
 * Covered rate per bucket (line, right axis, 0–100%) over the number of decisions (bars, left
 * axis): two scales, each axis titled in its series' colour. A bucket without traffic breaks the line.
 */
export function driftSpec(points: readonly DriftPoint[], bucket: 'day' | 'week'): ChartSpec {
  const x = { field: 'start', type: 'ordinal' as const, title: bucket === 'day' ? 'day (UTC)' : 'week starting (UTC)', axis: { labelAngle: -40, labelOverlap: 'greedy' as const } };
  return {
    width: Math.min(720, Math.max(260, points.length * 28)),
    height: 220,
    data: { values: points.map((p) => ({ start: p.start, decisions: p.decisions, coveredRate: p.coveredRate })) },
    encoding: { x },
    layer: [
      {
        mark: { type: 'bar', color: VOLUME, width: { band: 0.7 } },
        encoding: { y: { field: 'decisions', type: 'quantitative', title: 'decisions', axis: { titleColor: '#5b7089', tickMinStep: 1, format: '~s' } } },
      },
      {
        mark: { type: 'line', color: RATE, strokeWidth: 2, point: { color: RATE, size: 36 } },
        encoding: {
          y: { field: 'coveredRate', type: 'quantitative', title: 'covered rate', scale: { domain: [0, 1] }, axis: { orient: 'right', format: '.0%', titleColor: RATE } },
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

interface MapRow {
  readonly x: number;
  readonly y: number;
  readonly series: string;
}

/**
 * References (grey) and uncovered prompts (by candidate, in the table's colours; scattered ones as
 * black crosses) on the two PCA axes. Candidates are told apart by the legend, not by labels on the
 * plot, so nothing overlaps however close their centres are.
 */
export function mapSpec(map: NonNullable<CoverageReport['map']>, candidates: readonly CandidateIntent[]): ChartSpec {
  const name = new Map(candidates.map((c) => [c.id, c.name === null ? c.id : `${c.id} ${c.name}`]));
  const rows: MapRow[] = map.points.map((p) => ({
    x: round3(p.x),
    y: round3(p.y),
    series: p.kind === 'reference' ? 'reference prompt' : p.group === null ? 'uncovered, scattered' : (name.get(p.group) ?? p.group),
  }));
  const domain = ['reference prompt', ...candidates.map((c) => name.get(c.id) ?? c.id), 'uncovered, scattered'];
  const range = ['#bdbdbd', ...candidates.map((_, i) => colourOf(i)), '#222222'];
  const shapes = ['circle', ...candidates.map(() => 'circle'), 'cross'];
  const pc = (i: number) => `PC${i + 1} (${((map.explained[i] ?? 0) * 100).toFixed(1)}% of variance)`;
  return {
    width: 560,
    height: 420,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 30, opacity: 0.8 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: pc(0), scale: { zero: false, nice: false }, axis: { tickCount: 6 } },
      y: { field: 'y', type: 'quantitative', title: pc(1), scale: { zero: false, nice: false }, axis: { tickCount: 6 } },
      color: { field: 'series', type: 'nominal', title: 'points', scale: { domain, range }, legend: { orient: 'right', symbolSize: 60 } },
      shape: { field: 'series', type: 'nominal', scale: { domain, range: shapes } },
      // Draw references first, so uncovered prompts sit on top.
      order: { field: 'layer', type: 'quantitative' },
    },
    transform: [{ calculate: "datum.series === 'reference prompt' ? 0 : 1", as: 'layer' }],
  };
}

export async function driftChart(points: readonly DriftPoint[], bucket: 'day' | 'week'): Promise<string> {
  return inlineSvg(await renderChartSvg(driftSpec(points, bucket)));
}

export async function scatterMap(map: NonNullable<CoverageReport['map']>, candidates: readonly CandidateIntent[]): Promise<string> {
  return inlineSvg(await renderChartSvg(mapSpec(map, candidates)));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
