import type { CoverageReport } from '../report-schema.js';
import { basisText, candidateName, cellLegend, int, intentFlags, languageText, modelsOf, nearestText, otherLanguageHeading, otherLanguageShown, pct, clippedLine, representativeText, scatteredHeading, timesText, scatteredNearest, settingsLine, sim, totalsLine, windowLine } from './format.js';
import { colourOf, driftChart, escapeHtml as esc, scatterMap } from './svg.js';

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;max-width:1180px;margin:24px auto;padding:0 20px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e3e3e3;padding-bottom:4px}
.muted{color:#666}.totals{font-weight:600;margin:10px 0}.grid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.chart svg{max-width:100%;height:auto}
.wide{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:6px 0;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{white-space:nowrap}td.id{white-space:nowrap}td.t{overflow-wrap:anywhere}
th{background:#f6f7f9;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.intents{font-size:12.5px}table.intents td,table.intents th{padding:4px 5px}table.intents th{font-size:12px}table.intents th.m{text-align:right;white-space:normal;min-width:5.5em}
.sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:middle}
.sparse{background:#fff4e0;color:#8a5300}.flag{color:#b3261e;font-weight:600;min-width:8em}ul.reps{margin:0;padding-left:18px}ul.reps li{margin:1px 0}
.hash{font-family:ui-monospace,monospace;color:#777}.legend{font-size:12px;color:#555;margin:4px 0;max-width:720px}`;

/** A self-contained page (inline CSS and SVG, no script, no network) for a browser or an attachment. */
export async function renderHtml(r: CoverageReport): Promise<string> {
  const map = r.map
    ? `<div><h2>Map: references and uncovered prompts</h2><div class="chart">${await scatterMap(r.map, r.candidates)}</div>
<p class="legend">PCA of the embeddings (axes explain ${pct(r.map.explained[0] ?? 0)} and ${pct(r.map.explained[1] ?? 0)} of the variance). Grey dots: reference prompts. Coloured dots: uncovered prompts by candidate intent, in the table's colours. Black crosses: uncovered, in no candidate. Nearby on the map is a hint, not a proof: two axes keep little of the distances.</p></div>`
    : '';
  const drift = r.drift.points.length === 0 ? '<p>No decisions.</p>' : `<div class="chart">${await driftChart(r.drift.points, r.drift.bucket)}</div>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>semroute coverage report</title><style>${CSS}</style></head><body>
<h1>Coverage report</h1>
<div class="muted">${esc(windowLine(r))} · embedder <code>${esc(r.embedder ?? 'unknown')}</code> · generated ${esc(r.generatedAt)}</div>
<div class="muted">${esc(settingsLine(r))}</div>
<div class="totals">${esc(totalsLine(r))}</div>
<div class="grid"><div><h2>Covered rate per ${r.drift.bucket}</h2>${drift}
<p class="legend">Line (right axis): share of decisions that were covered. Bars (left axis): number of decisions.</p></div>${map}</div>
<h2>Candidate intents</h2><div class="wide">${candidatesTable(r)}</div>
<h2>${esc(scatteredHeading(r))}</h2><div class="wide">${scatteredTable(r)}</div>
${otherLanguageShown(r) ? `<h2>${esc(otherLanguageHeading(r))}</h2><div class="wide">${otherLanguageTable(r)}</div>\n` : ''}<h2>Known intents</h2><div class="wide">${intentsTable(r)}</div>
</body></html>
`;
}

/**
 * A prompt in quotes (×n when repeated), its text isolated in <bdi>: an Arabic or Hebrew prompt
 * would otherwise carry the quotes and the ×n along into its right-to-left run.
 */
function promptHtml(rep: Parameters<typeof representativeText>[0], maxChars: number): string {
  if (rep.text === null) return `<span class="hash">${esc(representativeText(rep))}</span>`;
  return `"<bdi>${esc(clippedLine(rep.text, maxChars))}</bdi>"${esc(timesText(rep))}`;
}

function candidatesTable(r: CoverageReport): string {
  if (r.candidates.length === 0) return '<p>None: no uncovered cluster of at least min-cluster prompts.</p>';
  const rows = r.candidates.map((c, i) => {
    const reps = c.representatives.map((rep) => `<li>${promptHtml(rep, 140)}</li>`).join('');
    return `<tr><td class="id"><span class="sw" style="background:${colourOf(i)}"></span>${esc(c.id)}</td><td><b>${esc(candidateName(c))}</b><div class="muted">${esc(c.terms.map((t) => t.term).join(', '))}</div></td>
<td class="n">${int(c.size)}</td><td class="n">${pct(c.share)}</td><td class="n">${sim(c.cohesion)}</td><td>${esc(nearestText(c))}</td><td class="t"><ul class="reps">${reps}</ul></td></tr>`;
  });
  return `<table><thead><tr><th>id</th><th>suggested name · terms</th><th>size</th><th>share</th><th>cohesion</th><th>nearest known intent</th><th>representative prompts</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function scatteredTable(r: CoverageReport): string {
  if (r.scattered.length === 0) return '<p>None.</p>';
  const rows = r.scattered.map((s) => `<tr><td class="t">${promptHtml(s, 200)}</td><td>${esc(scatteredNearest(s))}</td></tr>`);
  return `<table><thead><tr><th>prompt</th><th>nearest known intent</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function otherLanguageTable(r: CoverageReport): string {
  const rows = (r.otherLanguage ?? []).map((p) => `<tr><td class="id">${esc(languageText(p))}</td><td class="t">${promptHtml(p, 200)}</td></tr>`);
  return `<table><thead><tr><th>language</th><th>prompt</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function intentsTable(r: CoverageReport): string {
  if (r.intents.length === 0) return '<p>None: no labelled references.</p>';
  const models = modelsOf(r);
  const rows = r.intents.map((i) => {
    const cells = i.models.map((c) => `<td class="n${c.sparse ? ' sparse' : ''}" title="${c.sparse ? 'sparse' : ''}">${c.trials.toFixed(c.trials < 10 ? 1 : 0)} / ${c.winRate === null ? '—' : c.winRate.toFixed(2)}</td>`);
    return `<tr><td class="id">${esc(i.intent)}</td><td class="n">${int(i.references)}</td><td class="n">${int(i.traffic)}</td><td class="n">${pct(i.share)}</td><td class="n">${pct(i.coveredRate)}</td><td class="n">${sim(i.meanTopSimilarity)}</td><td class="id">${basisText(i)}</td>${cells.join('')}<td class="flag">${esc(intentFlags(i))}</td></tr>`;
  });
  const head = [...['intent', 'refs', 'traffic', 'share', 'covered', 'top sim', 'basis'].map((h) => `<th>${esc(h)}</th>`), ...models.map((m) => `<th class="m">${esc(m)}</th>`), '<th>flags</th>'].join('');
  return `<table class="intents"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table><p class="legend">${esc(cellLegend(r))}</p>`;
}
