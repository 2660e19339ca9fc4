import { describeCandidates, groupUncovered, otherLanguagePrompts, resolveClusterCutoff, scatteredPrompts } from './candidates.js';
import { coverageDrift } from './drift.js';
import { intentStats } from './intents.js';
import { projectTo2d } from './projection.js';
import type { CoverageReport, MapPoint } from './report-schema.js';
import { DEFAULT_COVERAGE_OPTIONS, type CoverageInput, type CoverageOptions, type TrafficItem } from './types.js';
import { shuffledIndices } from './vectors.js';

/** Points per kind on the 2-D map: enough to see structure, small enough for an inline SVG. */
const MAP_POINTS_PER_KIND = 1500;

/**
 * The coverage report, pure: stored decisions + the reference set → uncovered traffic grouped into
 * candidate intents, per-intent evidence, and the covered rate over time. No I/O, no clock (the
 * caller passes `generatedAt` and the window). Empty traffic gives an empty report, not an error.
 */
export function analyzeCoverage(input: CoverageInput, overrides: Partial<CoverageOptions> & Pick<CoverageOptions, 'generatedAt'>): CoverageReport {
  return analyzeCoverageWithMembers(input, overrides).report;
}

/** The report plus each clustered decision's candidate id (null: uncovered but scattered), for evaluations. */
export function analyzeCoverageWithMembers(
  input: CoverageInput,
  overrides: Partial<CoverageOptions> & Pick<CoverageOptions, 'generatedAt'>,
): { report: CoverageReport; members: ReadonlyMap<string, string | null> } {
  const options: CoverageOptions = { ...DEFAULT_COVERAGE_OPTIONS, ...overrides };
  const decisions = input.decisions;
  const uncovered = decisions.filter((d) => !d.covered);
  // No text (image-only, system-only) or a language the embedder does not read: their vectors say
  // nothing about an intent, so they are counted apart instead of forming a candidate.
  const noText = uncovered.filter((d) => d.reason === 'empty').length;
  const inOtherLanguages = uncovered.filter((d) => d.reason === 'language');
  const otherLanguage = inOtherLanguages.length;
  const clusterable = uncovered.filter((d): d is TrafficItem & { vector: Float32Array } => d.vector !== null && d.reason !== 'empty' && d.reason !== 'language');
  const cutoff = resolveClusterCutoff(input, options);
  const grouped = groupUncovered(
    clusterable.map((d) => d.vector),
    cutoff,
    options,
  );
  const candidates = describeCandidates(clusterable, grouped.groups, { input, options, totalDecisions: decisions.length, totalUncovered: uncovered.length });
  const clustered = grouped.groups.reduce((s, g) => s + g.length, 0);
  const covered = decisions.length - uncovered.length;
  const members = new Map(clusterable.map((d, i) => [d.id, (grouped.assignment[i] ?? -1) < 0 ? null : `c${(grouped.assignment[i] ?? 0) + 1}`]));
  const report: CoverageReport = {
    version: 1,
    generatedAt: options.generatedAt,
    window: input.window,
    embedder: input.embedder,
    coverageThreshold: input.coverageThreshold,
    clusterCutoff: cutoff,
    minCluster: options.minCluster,
    sparseTrials: options.sparseTrials,
    totals: {
      decisions: decisions.length,
      covered,
      uncovered: uncovered.length,
      coveredRate: decisions.length === 0 ? null : covered / decisions.length,
      uncoveredWithoutVector: uncovered.length - clusterable.length - noText - otherLanguage,
      noText,
      otherLanguage,
      clustered,
      scattered: clusterable.length - clustered,
      clusteredSample: grouped.sampled,
    },
    candidates,
    scattered: scatteredPrompts(
      clusterable.filter((_, i) => (grouped.assignment[i] ?? -1) < 0),
      new Map(input.references.map((r) => [r.id, r.intent])),
    ),
    otherLanguage: otherLanguagePrompts(inOtherLanguages),
    intents: intentStats(input, options),
    drift: coverageDrift(decisions, input.window, options.bucket),
    ...(options.map ? { map: coverageMap(input, clusterable, grouped.assignment) } : {}),
  };
  return { report, members };
}

/** References (by intent) and uncovered prompts (by candidate) on the first two principal axes. */
function coverageMap(input: CoverageInput, uncovered: readonly { vector: Float32Array }[], assignment: readonly number[]): NonNullable<CoverageReport['map']> {
  const refs = input.references.filter((r): r is typeof r & { vector: Float32Array } => r.vector !== null);
  const refPick = shuffledIndices(refs.length, 3).slice(0, MAP_POINTS_PER_KIND);
  const uncPick = shuffledIndices(uncovered.length, 5).slice(0, MAP_POINTS_PER_KIND);
  const vectors = [...refPick.map((i) => refs[i]?.vector ?? new Float32Array(0)), ...uncPick.map((i) => uncovered[i]?.vector ?? new Float32Array(0))];
  const { coords, explained } = projectTo2d(vectors);
  const points: MapPoint[] = coords.map(([x, y], k) => {
    if (k < refPick.length) return { x, y, kind: 'reference', group: refs[refPick[k] ?? 0]?.intent ?? null };
    const a = assignment[uncPick[k - refPick.length] ?? 0] ?? -1;
    return { x, y, kind: 'uncovered', group: a < 0 ? null : `c${a + 1}` };
  });
  return { explained: [...explained], points };
}
