import type { CoverageReport } from '../report-schema.js';
import { basisText, candidateName, cellLegend, cellText, int, intentFlags, languageText, modelsOf, nearestText, otherLanguageHeading, otherLanguageShown, pct, representativeText, scatteredHeading, quietNote, scatteredNearest, settingsLine, sim, totalsLine, windowLine, withTraffic } from './format.js';

/** A table cell: pipes and line breaks would end the cell or the row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string[] {
  const sep = header.map((_, i) => (right.has(i) ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`);
}

/** The report as GitHub-flavoured Markdown, e.g. for a pull request or an issue. */
export function renderMarkdown(r: CoverageReport): string {
  const out = [
    '# Coverage report',
    '',
    `Window ${windowLine(r)} · embedder \`${r.embedder ?? 'unknown'}\``,
    '',
    `${settingsLine(r)}`,
    '',
    `**${totalsLine(r)}**`,
    '',
    '## Candidate intents',
    '',
  ];
  if (r.candidates.length === 0) out.push('None: no uncovered cluster of at least min-cluster prompts.');
  else {
    const rows = r.candidates.map((c) => [
      c.id,
      `**${candidateName(c)}**`,
      int(c.size),
      pct(c.share),
      sim(c.cohesion),
      nearestText(c),
      c.representatives.map((rep) => representativeText(rep, 80)).join('<br>'),
    ]);
    out.push(...table(['id', 'suggested name', 'size', 'share', 'cohesion', 'nearest known intent', 'representative prompts'], rows, new Set([2, 3, 4])));
  }
  out.push('', `## ${scatteredHeading(r)}`, '');
  if (r.scattered.length === 0) out.push('None.');
  else out.push(...table(['prompt', 'nearest known intent'], r.scattered.map((s) => [representativeText(s, 120), scatteredNearest(s)])));
  if (otherLanguageShown(r)) out.push('', `## ${otherLanguageHeading(r)}`, '', ...table(['language', 'prompt'], (r.otherLanguage ?? []).map((p) => [languageText(p), representativeText(p, 120)])));
  out.push('', '## Known intents', '');
  if (r.intents.length === 0) out.push('None: no labelled references.');
  else {
    const models = modelsOf(r);
    const rows = r.intents.map((i) => [i.intent, int(i.references), int(i.traffic), pct(i.share), pct(i.coveredRate), sim(i.meanTopSimilarity), basisText(i), ...i.models.map(cellText), intentFlags(i)]);
    const header = ['intent', 'refs', 'traffic', 'share', 'covered', 'top sim', 'basis', ...models.map((m) => `\`${m}\``), 'flags'];
    out.push(...table(header, rows, new Set([1, 2, 3, 4, 5, ...models.map((_, k) => 7 + k)])), '', `_${cellLegend(r)}_`);
  }
  out.push('', `## Covered rate per ${r.drift.bucket}${quietNote(r)}`, '');
  if (r.drift.points.length === 0) out.push('No decisions.');
  else out.push(...table([r.drift.bucket === 'day' ? 'day' : 'week of', 'decisions', 'covered'], withTraffic(r).map((p) => [p.start, int(p.decisions), pct(p.coveredRate)]), new Set([1, 2])));
  return `${out.join('\n')}\n`;
}
