import type { CandidateIntent, CoverageReport, IntentStats, ModelCell, OtherLanguagePrompt, Representative, ScatteredPrompt } from '../report-schema.js';

/** Shared wording and number formats, so the table, Markdown and HTML say the same thing. */

export function pct(x: number | null, digits = 1): string {
  return x === null ? '—' : `${(x * 100).toFixed(digits)}%`;
}

export function sim(x: number | null): string {
  return x === null ? '—' : x.toFixed(2);
}

export function int(x: number): string {
  return x.toLocaleString('en-US');
}

export function windowLine(r: CoverageReport): string {
  const since = r.window.since === null ? 'the first decision' : r.window.since.slice(0, 10);
  return `${since} → ${r.window.until.slice(0, 10)} (UTC)`;
}

export function settingsLine(r: CoverageReport): string {
  return `coverage threshold ${sim(r.coverageThreshold)} · cluster cut-off ${sim(r.clusterCutoff)} (average linkage) · min cluster ${r.minCluster}`;
}

export function totalsLine(r: CoverageReport): string {
  const t = r.totals;
  if (t.decisions === 0) return 'no decisions in this window';
  const parts = [
    `${int(t.decisions)} decisions`,
    `covered ${int(t.covered)} (${pct(t.coveredRate)})`,
    `uncovered ${int(t.uncovered)}: ${int(t.clustered)} in ${r.candidates.length} candidate intent${r.candidates.length === 1 ? '' : 's'}, ${int(t.scattered)} scattered`,
  ];
  if ((t.noText ?? 0) > 0) parts.push(`${int(t.noText ?? 0)} with no text to route on (not clustered)`);
  if ((t.otherLanguage ?? 0) > 0) parts.push(`${int(t.otherLanguage ?? 0)} outside the embedder's languages (not clustered)`);
  if (t.uncoveredWithoutVector > 0) parts.push(`${int(t.uncoveredWithoutVector)} without a vector`);
  if (t.clusteredSample < t.clustered + t.scattered) parts.push(`clustered on a sample of ${int(t.clusteredSample)}`);
  return parts.join(' · ');
}

/** The prompt (×n when repeated), or its hash when only the hash was kept. */
export function representativeText(rep: Pick<Representative, 'text' | 'promptHash' | 'count'>, maxChars = 100): string {
  const times = timesText(rep);
  if (rep.text === null) return `#${rep.promptHash} (text not kept)${times}`;
  return `"${clippedLine(rep.text, maxChars)}"${times}`;
}

/** ` ×n` when a prompt was sent n > 1 times, else ''. */
export function timesText(rep: Pick<Representative, 'count'>): string {
  return rep.count > 1 ? ` ×${rep.count}` : '';
}

/** The text on one line, cut to `maxChars` with an ellipsis. */
export function clippedLine(text: string, maxChars: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars - 1)}…` : oneLine;
}

export function candidateName(c: CandidateIntent): string {
  return c.name ?? '(unnamed: no member text kept)';
}

export function scatteredNearest(s: ScatteredPrompt): string {
  return s.nearestIntent === null ? '—' : `${s.nearestIntent} (sim ${sim(s.topSimilarity)})`;
}

export function scatteredHeading(r: CoverageReport): string {
  const shown = r.scattered.length;
  return `Scattered uncovered prompts (in no candidate intent; ${shown} distinct${r.totals.scattered > shown ? ` of ${int(r.totals.scattered)} decisions` : ''})`;
}

/** Listed when any decision in the window was in a language outside the embedder's. */
export function otherLanguageShown(r: CoverageReport): boolean {
  return (r.totals.otherLanguage ?? 0) > 0 || (r.otherLanguage?.length ?? 0) > 0;
}

export function otherLanguageHeading(r: CoverageReport): string {
  const shown = r.otherLanguage?.length ?? 0;
  const total = r.totals.otherLanguage ?? 0;
  return `Prompts in other languages (outside the embedder's; not clustered; ${shown} distinct${total > shown ? ` of ${int(total)} decisions` : ''})`;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** "French (fr)"; "undetermined" for `und`; "not recorded" for decisions stored before the language was kept. */
export function languageText(p: Pick<OtherLanguagePrompt, 'language'>): string {
  if (p.language === null) return 'not recorded';
  if (p.language === 'und') return 'undetermined';
  let name: string | undefined;
  try {
    name = LANGUAGE_NAMES.of(p.language);
  } catch {
    name = undefined; // not a well-formed code: show it as stored
  }
  return name && name !== p.language ? `${name} (${p.language})` : p.language;
}

export function nearestText(c: CandidateIntent): string {
  const n = c.nearestIntent;
  return n === null ? '—' : `${n.intent} (sim ${sim(n.similarity)}, ${pct(n.agreement, 0)} of members)`;
}

export function cellText(c: ModelCell): string {
  return `${c.trials < 10 ? c.trials.toFixed(1) : c.trials.toFixed(0)}/${c.winRate === null ? '—' : c.winRate.toFixed(2)}${c.sparse ? '*' : ''}`;
}

export function basisText(i: IntentStats): string {
  return i.basis === 'traffic' ? 'traffic' : 'refs';
}

export function intentFlags(i: IntentStats): string {
  const flags: string[] = [];
  if (i.oneSided) flags.push('one-sided');
  if (i.sparseModels.length > 0) flags.push(`sparse: ${i.sparseModels.length === i.models.length && i.models.length > 1 ? 'all models' : i.sparseModels.join(', ')}`);
  if (i.references === 0) flags.push('no references');
  return flags.join('; ');
}

/** Model ids in the order the first intent lists them (every intent lists the same models). */
export function modelsOf(r: CoverageReport): string[] {
  return r.intents[0]?.models.map((m) => m.model) ?? [];
}

export function cellLegend(r: CoverageReport): string {
  return `cells: trials / win rate per model; basis "traffic": similarity-weighted trials per covered request; basis "refs": no covered traffic, total trials on the intent's references; * = sparse (fewer than ${r.sparseTrials} trials)`;
}

/** The drift points with traffic: a table of 30 days lists only the days that had decisions. */
export function withTraffic(r: CoverageReport): CoverageReport['drift']['points'] {
  return r.drift.points.filter((p) => p.decisions > 0);
}

/** " (3 days without decisions left out)", or '' when every bucket had traffic. */
export function quietNote(r: CoverageReport): string {
  const quiet = r.drift.points.length - withTraffic(r).length;
  return quiet === 0 ? '' : ` (${quiet} ${r.drift.bucket}${quiet === 1 ? '' : 's'} without decisions left out)`;
}
