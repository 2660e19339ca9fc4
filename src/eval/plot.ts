import { renderChartSvg, type ChartSpec } from '../charts/vega-svg.js';
import { nonDecreasingHull, type CostQuality } from './metrics.js';
import type { GroupReport } from './report.js';

/**
 * The eval plot: per group, mean quality against mean cost per query. Lines: each policy's hull
 * (its cost-weight settings as open circles) and the zero router (mixing single models at random).
 * Markers: the single models, random routing and the oracle, named in the legend rather than on the
 * plot, so no label can overlap another. Drawn with Vega-Lite and rendered to SVG when written.
 */

const LINE_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b'];
const ZERO_ROUTER = 'zero router (single models mixed)';
/** Tableau 20 without the oracle's black and random's orange: up to 18 single models stay apart. */
const MARKER_COLOURS = ['#4e79a7', '#a0cbe8', '#59a14f', '#8cd17d', '#b6992d', '#f1ce63', '#499894', '#86bcb6', '#e15759', '#ff9d9a', '#79706e', '#bab0ac', '#d37295', '#fabfd2', '#b07aa1', '#d4a6c8', '#9d7660', '#d7b5a6'];

/** One chart of a vertical concatenation. */
type Panel = Extract<ChartSpec, { vconcat: unknown }>['vconcat'][number];

interface LineRow {
  readonly series: string;
  readonly cost: number;
  readonly quality: number;
  readonly order: number;
  readonly kind: 'hull' | 'setting';
}

interface MarkerRow {
  readonly label: string;
  readonly shape: 'circle' | 'square' | 'diamond';
  readonly cost: number;
  readonly quality: number;
}

function lineRows(g: GroupReport): LineRow[] {
  const hull = (series: string, points: readonly CostQuality[]): LineRow[] => points.map((p, order) => ({ series, cost: p.cost, quality: p.quality, order, kind: 'hull' }));
  return [
    ...hull(ZERO_ROUTER, nonDecreasingHull(g.perModel)),
    ...g.policies.flatMap((p) => [...hull(p.policy, p.hull), ...p.curve.map((c, order) => ({ series: p.policy, cost: c.cost, quality: c.quality, order, kind: 'setting' as const }))]),
  ];
}

function markerRows(g: GroupReport): MarkerRow[] {
  return [
    ...g.perModel.map((m) => ({ label: shortName(m.model), shape: 'circle' as const, cost: m.cost, quality: m.quality })),
    { label: 'random', shape: 'square', cost: g.random.cost, quality: g.random.quality },
    { label: 'oracle', shape: 'diamond', cost: g.oracle.cost, quality: g.oracle.quality },
  ];
}

/** One panel: the policies' lines and the baselines' markers, each with its own legend. */
function panelSpec(title: string, g: GroupReport): Panel {
  const policies = [ZERO_ROUTER, ...g.policies.map((p) => p.policy)];
  const markers = markerRows(g);
  const x = { field: 'cost', type: 'quantitative' as const, title: 'mean cost per query (USD)', scale: { zero: true, nice: true }, axis: { format: '~g', tickCount: 6 } };
  const y = { field: 'quality', type: 'quantitative' as const, title: 'mean quality', scale: { zero: false, nice: true }, axis: { format: '.2f', tickCount: 6 } };
  const lineColour = { field: 'series', type: 'nominal' as const, title: 'routers (lines: hulls)', scale: { domain: policies, range: ['#999999', ...LINE_COLOURS] }, legend: { orient: 'right' as const, symbolType: 'stroke' } };
  return {
    title: `${title}: ${g.group}`,
    width: 520,
    height: 340,
    layer: [
      {
        data: { values: lineRows(g).filter((r) => r.kind === 'hull') },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x, y, order: { field: 'order', type: 'quantitative' }, color: lineColour, strokeDash: { condition: { test: `datum.series === '${ZERO_ROUTER}'`, value: [5, 4] }, value: [1, 0] } },
      },
      {
        data: { values: lineRows(g).filter((r) => r.kind === 'setting') },
        mark: { type: 'point', filled: false, size: 40, strokeWidth: 1.5 },
        encoding: { x, y, color: { ...lineColour, legend: null } },
      },
      {
        data: { values: markers },
        mark: { type: 'point', filled: true, size: 80, opacity: 0.95 },
        encoding: {
          x,
          y,
          color: { field: 'label', type: 'nominal', title: 'baselines (points)', scale: { domain: markers.map((m) => m.label), range: markers.map((m, i) => (m.label === 'oracle' ? '#000000' : m.label === 'random' ? '#ff7f0e' : (MARKER_COLOURS[i % MARKER_COLOURS.length] ?? '#555'))) }, legend: { orient: 'right' } },
          shape: { field: 'label', type: 'nominal', scale: { domain: markers.map((m) => m.label), range: markers.map((m) => m.shape) } },
        },
      },
    ],
    resolve: { scale: { color: 'independent', shape: 'independent' }, legend: { color: 'independent' } },
  };
}

/** A self-contained SVG: one panel per group, stacked. */
export async function renderSvg(title: string, groups: readonly GroupReport[]): Promise<string> {
  return renderChartSvg({ vconcat: groups.map((g) => panelSpec(title, g)), spacing: 36 });
}

/** The same SVG inside a minimal HTML page. */
export async function renderHtml(title: string, groups: readonly GroupReport[]): Promise<string> {
  const svg = await renderSvg(title, groups);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>body{margin:16px;font-family:system-ui,sans-serif}svg{max-width:100%;height:auto}</style></head><body>${svg}</body></html>`;
}

function shortName(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
