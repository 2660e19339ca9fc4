import { nonDecreasingHull, type CostQuality } from './metrics.js';
import type { GroupReport } from './report.js';

const W = 720;
const H = 420;
const M = { left: 64, right: 200, top: 36, bottom: 48 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

interface Scale {
  x: (cost: number) => number;
  y: (quality: number) => number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** A self-contained SVG: one panel per group, router curves (points and hull) over the baselines. */
export function renderSvg(title: string, groups: readonly GroupReport[]): string {
  const panels = groups.map((g, i) => `<g transform="translate(0,${i * H})">${panel(`${title}: ${g.group}`, g)}</g>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H * groups.length}" font-family="sans-serif" font-size="11">${panels.join('')}</svg>`;
}

/** The same SVG inside a minimal HTML page. */
export function renderHtml(title: string, groups: readonly GroupReport[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${renderSvg(title, groups)}</body></html>`;
}

function panel(title: string, g: GroupReport): string {
  const scale = scaleFor(g);
  const parts = [
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    axes(scale),
    zeroRouter(scale, g),
    ...g.perModel.map((m) => marker(scale, m, { shape: 'circle', colour: '#555', label: shortName(m.model) })),
    marker(scale, g.random, { shape: 'square', colour: '#ff7f0e', label: 'random' }),
    marker(scale, g.oracle, { shape: 'diamond', colour: '#000', label: 'oracle' }),
    ...g.policies.map((p, i) => curve(scale, p.curve, p.hull, COLOURS[i % COLOURS.length] ?? '#000')),
    legend(g),
  ];
  return parts.join('');
}

function scaleFor(g: GroupReport): Scale {
  const points: CostQuality[] = [...g.perModel, g.random, g.oracle, ...g.policies.flatMap((p) => p.curve)];
  const xMax = Math.max(...points.map((p) => p.cost)) * 1.05 || 1;
  const yMin = Math.max(0, Math.min(...points.map((p) => p.quality)) - 0.05);
  const yMax = Math.min(1, Math.max(...points.map((p) => p.quality)) + 0.05);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  return {
    x: (c) => round1(M.left + (c / xMax) * plotW),
    y: (q) => round1(M.top + (1 - (q - yMin) / Math.max(1e-9, yMax - yMin)) * plotH),
    xMax,
    yMin,
    yMax,
  };
}

function axes(s: Scale): string {
  const x0 = s.x(0);
  const y0 = s.y(s.yMin);
  const ticks: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const c = (s.xMax * i) / 5;
    const q = s.yMin + ((s.yMax - s.yMin) * i) / 5;
    ticks.push(`<text x="${s.x(c)}" y="${y0 + 16}" text-anchor="middle">${c === 0 ? '0' : c.toPrecision(2)}</text>`);
    ticks.push(`<text x="${x0 - 6}" y="${s.y(q) + 4}" text-anchor="end">${q.toFixed(2)}</text>`);
    ticks.push(`<line x1="${x0}" x2="${s.x(s.xMax)}" y1="${s.y(q)}" y2="${s.y(q)}" stroke="#eee"/>`);
  }
  return [
    ...ticks,
    `<line x1="${x0}" y1="${y0}" x2="${s.x(s.xMax)}" y2="${y0}" stroke="black"/>`,
    `<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${s.y(s.yMax)}" stroke="black"/>`,
    `<text x="${(x0 + s.x(s.xMax)) / 2}" y="${H - 10}" text-anchor="middle">mean cost per query (USD)</text>`,
    `<text x="16" y="${(y0 + s.y(s.yMax)) / 2}" transform="rotate(-90 16 ${(y0 + s.y(s.yMax)) / 2})" text-anchor="middle">mean quality</text>`,
  ].join('');
}

function marker(s: Scale, p: CostQuality, opts: { shape: 'circle' | 'square' | 'diamond'; colour: string; label: string }): string {
  const x = s.x(p.cost);
  const y = s.y(p.quality);
  const shape =
    opts.shape === 'circle'
      ? `<circle cx="${x}" cy="${y}" r="4" fill="${opts.colour}"/>`
      : opts.shape === 'square'
        ? `<rect x="${x - 4}" y="${y - 4}" width="8" height="8" fill="${opts.colour}"/>`
        : `<path d="M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z" fill="${opts.colour}"/>`;
  return `${shape}<text x="${x + 7}" y="${y - 5}" fill="${opts.colour}">${esc(opts.label)}</text>`;
}

function curve(s: Scale, points: readonly CostQuality[], hull: readonly CostQuality[], colour: string): string {
  const dots = points.map((p) => `<circle cx="${s.x(p.cost)}" cy="${s.y(p.quality)}" r="2.5" fill="none" stroke="${colour}"/>`);
  const line = hull.map((p) => `${s.x(p.cost)},${s.y(p.quality)}`).join(' ');
  return `${dots.join('')}<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"/>`;
}

/** The hull of the single models: what mixing them at random reaches without any routing. */
function zeroRouter(s: Scale, g: GroupReport): string {
  const line = nonDecreasingHull(g.perModel).map((p) => `${s.x(p.cost)},${s.y(p.quality)}`).join(' ');
  return `<polyline points="${line}" fill="none" stroke="#999" stroke-width="1.5" stroke-dasharray="5 4"/>`;
}

function legend(g: GroupReport): string {
  const x = W - M.right + 16;
  const y = (row: number) => M.top + 12 + row * 18;
  const items = g.policies.map(
    (p, i) =>
      `<line x1="${x}" x2="${x + 18}" y1="${y(i) - 4}" y2="${y(i) - 4}" stroke="${COLOURS[i % COLOURS.length] ?? '#000'}" stroke-width="2"/>` +
      `<text x="${x + 24}" y="${y(i)}">${esc(p.policy)}</text>`,
  );
  const n = g.policies.length;
  items.push(
    `<line x1="${x}" x2="${x + 18}" y1="${y(n) - 4}" y2="${y(n) - 4}" stroke="#999" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<text x="${x + 24}" y="${y(n)}">zero router</text>`,
    `<text x="${x}" y="${y(n + 1.5)}">lines: hulls; circles:</text>`,
    `<text x="${x}" y="${y(n + 2.5)}">cost-weight settings;</text>`,
    `<text x="${x}" y="${y(n + 3.5)}">grey dots: single models</text>`,
  );
  return items.join('');
}

/** Tenths of a pixel are plenty and keep the file small. */
function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function shortName(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
