import type { CoverageReport } from '../report-schema.js';
import { basisText, candidateName, cellLegend, cellText, int, intentFlags, languageText, modelsOf, nearestText, otherLanguageHeading, otherLanguageShown, pct, representativeText, scatteredHeading, quietNote, scatteredNearest, settingsLine, sim, totalsLine, windowLine, withTraffic } from './format.js';

/** Columns padded to their widest cell; the first column left-aligned, numbers right-aligned. */
export function alignColumns(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
        return rightAligned.has(i) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** The report for a terminal: plain text, aligned columns, no colour codes (safe to pipe). */
export function renderTable(r: CoverageReport): string {
  const out: string[] = [`Coverage report  ${windowLine(r)}  embedder ${r.embedder ?? 'unknown'}`, settingsLine(r), totalsLine(r), ''];
  out.push(...candidateSection(r), '', ...scatteredSection(r), '', ...otherLanguageSection(r), ...intentSection(r), '', ...driftSection(r));
  return `${out.join('\n')}\n`;
}

function candidateSection(r: CoverageReport): string[] {
  if (r.candidates.length === 0) return ['Candidate intents: none (no uncovered cluster of at least min-cluster prompts)'];
  const out = ['Candidate intents (uncovered traffic grouped by similarity, largest first)'];
  const rows = [['id', 'suggested name', 'size', 'share', 'cohesion', 'nearest known intent']];
  for (const c of r.candidates) rows.push([c.id, candidateName(c), int(c.size), pct(c.share), sim(c.cohesion), nearestText(c)]);
  const lines = alignColumns(rows, new Set([2, 3, 4]));
  out.push(`  ${lines[0] ?? ''}`);
  r.candidates.forEach((c, i) => {
    out.push(`  ${lines[i + 1] ?? ''}`);
    if (c.terms.length > 0) out.push(`      terms: ${c.terms.map((t) => t.term).join(', ')}`);
    for (const rep of c.representatives) out.push(`      · ${representativeText(rep)}`);
  });
  return out;
}

function scatteredSection(r: CoverageReport): string[] {
  if (r.scattered.length === 0) return ['Scattered uncovered prompts: none'];
  return [scatteredHeading(r), ...r.scattered.map((s) => `  · ${representativeText(s)}  nearest: ${scatteredNearest(s)}`)];
}

/** Empty (no lines at all) when no decision was in another language. */
function otherLanguageSection(r: CoverageReport): string[] {
  if (!otherLanguageShown(r)) return [];
  const rows = (r.otherLanguage ?? []).map((p) => [languageText(p), representativeText(p)]);
  return [otherLanguageHeading(r), ...alignColumns(rows).map((l) => `  ${l}`), ''];
}

function intentSection(r: CoverageReport): string[] {
  if (r.intents.length === 0) return ['Known intents: none (no labelled references)'];
  const models = modelsOf(r);
  const rows = [['intent', 'refs', 'traffic', 'share', 'covered', 'top sim', 'basis', ...models, 'flags']];
  for (const i of r.intents) {
    rows.push([i.intent, int(i.references), int(i.traffic), pct(i.share), pct(i.coveredRate), sim(i.meanTopSimilarity), basisText(i), ...i.models.map(cellText), intentFlags(i)]);
  }
  const numeric = new Set([1, 2, 3, 4, 5, ...models.map((_, k) => 7 + k)]);
  return ['Known intents', ...alignColumns(rows, numeric).map((l) => `  ${l}`), `  ${cellLegend(r)}`];
}

function driftSection(r: CoverageReport): string[] {
  if (r.drift.points.length === 0) return ['Covered rate over time: no decisions'];
  const rows = [[r.drift.bucket === 'day' ? 'day' : 'week of', 'decisions', 'covered', '']];
  for (const p of withTraffic(r)) rows.push([p.start, int(p.decisions), pct(p.coveredRate), p.coveredRate === null ? '' : '█'.repeat(Math.round(p.coveredRate * 20))]);
  return [`Covered rate per ${r.drift.bucket}${quietNote(r)}`, ...alignColumns(rows, new Set([1, 2])).map((l) => `  ${l}`)];
}
