import type { CandidateIntent, CoverageReport, DriftPoint } from '../report-schema.js';

/** Inline SVG charts for the HTML page: no script, no external files, so the page works offline. */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Distinct colours for candidate clusters (Tableau 10 + two); later clusters reuse them. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#2f4b7c', '#d45087', '#665191'];

export function colourOf(candidateIndex: number): string {
  return PALETTE[candidateIndex % PALETTE.length] ?? '#333';
}

const f = (x: number) => x.toFixed(1);

/** Covered rate per bucket as a line (gaps where a bucket had no traffic) over traffic-volume bars. */
export function driftChart(points: readonly DriftPoint[], size = { width: 760, height: 260 }): string {
  const m = { left: 48, right: 16, top: 16, bottom: 40 };
  const w = size.width - m.left - m.right;
  const h = size.height - m.top - m.bottom;
  const n = Math.max(1, points.length);
  const step = w / n;
  const x = (i: number) => m.left + step * (i + 0.5);
  const y = (rate: number) => m.top + h * (1 - rate);
  const maxDecisions = Math.max(1, ...points.map((p) => p.decisions));
  const bars = points.map((p, i) => {
    const bh = (p.decisions / maxDecisions) * h * 0.35;
    return `<rect x="${f(x(i) - step * 0.35)}" y="${f(m.top + h - bh)}" width="${f(step * 0.7)}" height="${f(bh)}" fill="#dfe6ee"><title>${escapeHtml(p.start)}: ${p.decisions} decisions</title></rect>`;
  });
  const segments: string[][] = [[]];
  points.forEach((p, i) => {
    if (p.coveredRate === null) segments.push([]);
    else segments[segments.length - 1]?.push(`${f(x(i))},${f(y(p.coveredRate))}`);
  });
  const lines = segments.filter((s) => s.length > 1).map((s) => `<polyline points="${s.join(' ')}" fill="none" stroke="#2f6db5" stroke-width="2"/>`);
  const dots = points.flatMap((p, i) =>
    p.coveredRate === null ? [] : [`<circle cx="${f(x(i))}" cy="${f(y(p.coveredRate))}" r="3" fill="#2f6db5"><title>${escapeHtml(p.start)}: ${(p.coveredRate * 100).toFixed(1)}% covered of ${p.decisions}</title></circle>`],
  );
  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (g) => `<line x1="${m.left}" x2="${m.left + w}" y1="${f(y(g))}" y2="${f(y(g))}" stroke="#e5e5e5"/><text x="${m.left - 6}" y="${f(y(g) + 4)}" text-anchor="end">${g * 100}%</text>`,
  );
  const every = Math.max(1, Math.ceil(points.length / 8));
  const labels = points.flatMap((p, i) => (i % every === 0 || i === points.length - 1 ? [`<text x="${f(x(i))}" y="${m.top + h + 18}" text-anchor="middle">${escapeHtml(p.start.slice(5))}</text>`] : []));
  return `<svg class="chart" viewBox="0 0 ${size.width} ${size.height}" width="${size.width}" height="${size.height}" role="img" aria-label="covered rate over time">
${grid.join('')}${bars.join('')}${lines.join('')}${dots.join('')}${labels.join('')}
<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" stroke="#999"/></svg>`;
}

/** References (grey) and uncovered prompts (coloured by candidate, black × when scattered) on two PCA axes. */
export function scatterMap(map: NonNullable<CoverageReport['map']>, candidates: readonly CandidateIntent[], size = { width: 760, height: 560 }): string {
  const pad = 24;
  const xs = map.points.map((p) => p.x);
  const ys = map.points.map((p) => p.y);
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  const sx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (size.width - 2 * pad);
  const sy = (v: number) => size.height - pad - ((v - y0) / (y1 - y0 || 1)) * (size.height - 2 * pad);
  const index = new Map(candidates.map((c, i) => [c.id, i]));
  const refs = map.points.filter((p) => p.kind === 'reference').map((p) => `<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="2.2" fill="#b9b9b9" fill-opacity="0.55"><title>reference: ${escapeHtml(p.group ?? 'no intent')}</title></circle>`);
  const unc = map.points
    .filter((p) => p.kind === 'uncovered')
    .map((p) => {
      const i = p.group === null ? undefined : index.get(p.group);
      const cx = f(sx(p.x));
      const cy = f(sy(p.y));
      if (i === undefined) return `<path d="M${cx} ${cy}m-2.5 -2.5l5 5m0 -5l-5 5" stroke="#222" stroke-width="1.2"><title>uncovered, scattered</title></path>`;
      return `<circle cx="${cx}" cy="${cy}" r="3.4" fill="${colourOf(i)}" stroke="#fff" stroke-width="0.6"><title>uncovered: ${escapeHtml(p.group ?? '')}</title></circle>`;
    });
  const labels = candidates.slice(0, PALETTE.length).flatMap((c, i) => {
    const pts = map.points.filter((p) => p.group === c.id && p.kind === 'uncovered');
    if (pts.length === 0) return [];
    const cx = sx(pts.reduce((s, p) => s + p.x, 0) / pts.length);
    const cy = sy(pts.reduce((s, p) => s + p.y, 0) / pts.length);
    return [`<text class="lbl" x="${f(cx + 6)}" y="${f(cy - 6)}" fill="${colourOf(i)}">${escapeHtml(c.id)}</text>`];
  });
  return `<svg class="chart" viewBox="0 0 ${size.width} ${size.height}" width="${size.width}" height="${size.height}" role="img" aria-label="map of references and uncovered prompts">
<rect x="0.5" y="0.5" width="${size.width - 1}" height="${size.height - 1}" fill="#fff" stroke="#ddd"/>${refs.join('')}${unc.join('')}${labels.join('')}</svg>`;
}

function extent(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  return [values.reduce((a, b) => Math.min(a, b), Infinity), values.reduce((a, b) => Math.max(a, b), -Infinity)];
}
