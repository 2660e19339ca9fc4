import { percentile } from './calibrate.js';
import { clusterVectors } from './cluster.js';
import type { CandidateIntent, OtherLanguagePrompt, Representative, ScatteredPrompt } from './report-schema.js';
import { distinctiveTerms, nameFromTerms } from './terms.js';
import type { CoverageInput, CoverageOptions, ReferenceItem, TrafficItem } from './types.js';
import { centroid, dot, groupByIntent, mean, shuffledIndices } from './vectors.js';

/** Uncovered traffic with a vector, grouped; `members` index into the caller's list. */
export interface CandidateGroups {
  readonly cutoff: number;
  /** Per uncovered item (with a vector): its candidate's index, or -1 when scattered. */
  readonly assignment: readonly number[];
  readonly groups: readonly (readonly number[])[];
  readonly sampled: number;
}

/** How many references per intent the automatic cut-off looks at (pairs grow as the square). */
const CUTOFF_SAMPLE = 40;

/**
 * The cut-off in force. 'auto' fits it to the embedder and the reference set: for each known intent
 * the mean pairwise similarity of its references (what average linkage would report for that
 * intent as one cluster), then a low percentile over intents, so a candidate is about as tight as
 * the looser known intents. Without two references of one intent, the coverage threshold.
 */
export function resolveClusterCutoff(input: Pick<CoverageInput, 'references' | 'coverageThreshold'>, options: Pick<CoverageOptions, 'clusterCutoff' | 'cutoffPercentile'>): number {
  if (options.clusterCutoff !== 'auto') return options.clusterCutoff;
  const byIntent = new Map<string, Float32Array[]>();
  for (const r of input.references) {
    if (r.intent === null || r.vector === null) continue;
    const list = byIntent.get(r.intent) ?? [];
    if (list.length < CUTOFF_SAMPLE) list.push(r.vector);
    byIntent.set(r.intent, list);
  }
  const tightness: number[] = [];
  for (const vectors of byIntent.values()) {
    if (vectors.length < 2) continue;
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < vectors.length; i++) for (let j = i + 1; j < vectors.length; j++, pairs++) sum += dot(vectors[i] ?? new Float32Array(0), vectors[j] ?? new Float32Array(0));
    tightness.push(sum / pairs);
  }
  return tightness.length === 0 ? input.coverageThreshold : percentile(tightness, options.cutoffPercentile);
}

/** Clusters a bounded sample, then lets the rest join the cluster they are on average closest to. */
export function groupUncovered(vectors: readonly Float32Array[], cutoff: number, options: Pick<CoverageOptions, 'minCluster' | 'maxClusterPoints' | 'separationRatio'>): CandidateGroups {
  const order = vectors.length > options.maxClusterPoints ? shuffledIndices(vectors.length, 1).slice(0, options.maxClusterPoints) : vectors.map((_, i) => i);
  const separation = options.separationRatio > 0 ? { minSize: options.minCluster, ratio: options.separationRatio } : undefined;
  const labels = clusterVectors(order.map((i) => vectors[i] ?? new Float32Array(0)), { cutoff, ...(separation ? { separation } : {}) });
  const byLabel = new Map<number, number[]>();
  labels.forEach((label, k) => {
    const g = byLabel.get(label) ?? [];
    g.push(order[k] ?? 0);
    byLabel.set(label, g);
  });
  const groups = [...byLabel.values()].filter((g) => g.length >= options.minCluster);
  const assignment = new Array<number>(vectors.length).fill(-1);
  groups.forEach((g, gi) => g.forEach((i) => (assignment[i] = gi)));
  if (order.length < vectors.length) joinRest(vectors, { groups, assignment, cutoff, inSample: new Set(order) });
  const sorted = groups.map((g, gi) => ({ g, gi })).sort((a, b) => b.g.length - a.g.length || a.gi - b.gi);
  const remap = new Map(sorted.map((s, i) => [s.gi, i]));
  return { cutoff, sampled: order.length, groups: sorted.map((s) => s.g), assignment: assignment.map((a) => (a < 0 ? -1 : (remap.get(a) ?? -1))) };
}

/** The unnormalised mean of a cluster dotted with a vector is its mean similarity to the members. */
function joinRest(vectors: readonly Float32Array[], s: { groups: number[][]; assignment: number[]; cutoff: number; inSample: ReadonlySet<number> }): void {
  const means = s.groups.map((g) => {
    const dims = vectors[0]?.length ?? 0;
    const m = new Float32Array(dims);
    for (const i of g) for (let d = 0; d < dims; d++) m[d] = (m[d] ?? 0) + (vectors[i]?.[d] ?? 0) / g.length;
    return m;
  });
  vectors.forEach((v, i) => {
    if (s.inSample.has(i)) return;
    let best = -1;
    let bestSim = s.cutoff;
    means.forEach((m, gi) => {
      const sim = dot(v, m);
      if (sim >= bestSim) [best, bestSim] = [gi, sim];
    });
    if (best >= 0) {
      s.groups[best]?.push(i);
      s.assignment[i] = best;
    }
  });
}

/** Describes each group: size, shares, representatives, a suggested name, the nearest known intent. */
export function describeCandidates(
  items: readonly TrafficItem[],
  groups: readonly (readonly number[])[],
  ctx: { input: CoverageInput; options: CoverageOptions; totalDecisions: number; totalUncovered: number },
): CandidateIntent[] {
  const intentOf = new Map(ctx.input.references.map((r) => [r.id, r.intent]));
  const names = suggestNames(items, groups, ctx.input.references);
  return groups.map((g, gi) => {
    const members = g.map((i) => items[i]).filter((m): m is TrafficItem => m !== undefined);
    const vectors = members.map((m) => m.vector ?? new Float32Array(0));
    const c = centroid(vectors);
    const sims = vectors.map((v) => dot(v, c));
    const tops = members.flatMap((m) => (m.topSimilarity === null ? [] : [m.topSimilarity]));
    return {
      id: `c${gi + 1}`,
      name: names[gi]?.name ?? null,
      terms: names[gi]?.terms ?? [],
      size: members.length,
      share: members.length / Math.max(1, ctx.totalDecisions),
      uncoveredShare: members.length / Math.max(1, ctx.totalUncovered),
      cohesion: mean(sims) ?? 0,
      meanTopSimilarity: mean(tops),
      representatives: representatives(members, sims, ctx.options.representatives),
      nearestIntent: nearestIntent(members, intentOf),
    };
  });
}

/** The members closest to the centroid, one per distinct prompt (a repeated prompt counts once, with its count). */
function representatives(members: readonly TrafficItem[], sims: readonly number[], count: number): Representative[] {
  const repeats = countBy(members, (m) => m.promptHash);
  const seen = new Set<string>();
  return members
    .map((m, i) => ({ m, sim: sims[i] ?? 0 }))
    .sort((a, b) => b.sim - a.sim || a.m.id.localeCompare(b.m.id))
    .filter(({ m }) => !seen.has(m.promptHash) && seen.add(m.promptHash))
    .slice(0, count)
    .map(({ m, sim }) => ({ decisionId: m.id, promptHash: m.promptHash, text: m.text, similarity: clampSim(sim), count: repeats.get(m.promptHash) ?? 1 }));
}

/** Scattered prompts (in no candidate), distinct, the most repeated first, then the newest. */
export function scatteredPrompts(items: readonly TrafficItem[], intentOf: ReadonlyMap<number, string | null>, limit = 50): ScatteredPrompt[] {
  return distinctPrompts(items, limit).map(({ item: m, count }) => ({
    decisionId: m.id,
    promptHash: m.promptHash,
    text: m.text,
    count,
    topSimilarity: m.topSimilarity === null ? null : clampSim(m.topSimilarity),
    nearestIntent: m.neighborIds[0] === undefined ? null : (intentOf.get(m.neighborIds[0]) ?? null),
  }));
}

/** Prompts in a language the embedder does not read (reason `language`), distinct, the most repeated first, with their language. */
export function otherLanguagePrompts(items: readonly TrafficItem[], limit = 50): OtherLanguagePrompt[] {
  return distinctPrompts(items, limit).map(({ item: m, count }) => ({ decisionId: m.id, promptHash: m.promptHash, text: m.text, count, language: m.language ?? null }));
}

/** One item per prompt hash (the newest), with how often it came, the most repeated first, then the newest. */
function distinctPrompts(items: readonly TrafficItem[], limit: number): { item: TrafficItem; count: number }[] {
  const repeats = countBy(items, (m) => m.promptHash);
  const newest = new Map<string, TrafficItem>();
  for (const m of items) if ((newest.get(m.promptHash)?.createdAt ?? '') <= m.createdAt) newest.set(m.promptHash, m);
  return [...newest.values()]
    .map((item) => ({ item, count: repeats.get(item.promptHash) ?? 1 }))
    .sort((a, b) => b.count - a.count || b.item.createdAt.localeCompare(a.item.createdAt))
    .slice(0, limit);
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/**
 * A similarity-weighted vote of the members' nearest references: the intent the router would have
 * leaned to, and how close those prompts typically got to it (compare with the coverage threshold).
 */
function nearestIntent(members: readonly TrafficItem[], intentOf: ReadonlyMap<number, string | null>): CandidateIntent['nearestIntent'] {
  const votes = new Map<string, { weight: number; sims: number[] }>();
  for (const m of members) {
    const id = m.neighborIds[0];
    const sim = m.neighborSimilarities[0];
    const intent = id === undefined ? null : (intentOf.get(id) ?? null);
    if (intent === null || sim === undefined) continue;
    const v = votes.get(intent) ?? { weight: 0, sims: [] };
    v.weight += Math.max(0, sim) + 1e-9;
    v.sims.push(sim);
    votes.set(intent, v);
  }
  const best = [...votes.entries()].sort((a, b) => b[1].weight - a[1].weight || a[0].localeCompare(b[0]))[0];
  if (!best) return null;
  return { intent: best[0], similarity: clampSim(mean(best[1].sims) ?? 0), agreement: best[1].sims.length / Math.max(1, members.length) };
}

function suggestNames(items: readonly TrafficItem[], groups: readonly (readonly number[])[], references: readonly ReferenceItem[]) {
  const known = groupByIntent(references, (r) => r.text);
  const texts = groups.map((g) => g.flatMap((i) => (items[i]?.text ? [items[i]?.text ?? ''] : [])));
  const scored = distinctiveTerms([...texts.map((t) => ({ texts: t })), ...[...known.values()].map((t) => ({ texts: t }))]);
  return texts.map((t, gi) => {
    const terms = t.length === 0 ? [] : (scored[gi] ?? []).map((s) => ({ term: s.term, score: Math.round(s.score * 1e4) / 1e4 }));
    return { name: nameFromTerms(terms) ?? nameFromText(t[0]), terms };
  });
}

/**
 * A name from the first member text when no term stands out (stop words only, too few members, a
 * script the term splitter does not cut): its first three words, or its first 12 characters when
 * the text has no spaces between words. null only when no member text was kept.
 */
export function nameFromText(text: string | undefined): string | null {
  const words = (text ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  const name = words.length === 1 ? [...(words[0] ?? '')].slice(0, 12).join('') : words.slice(0, 3).join('_');
  return name === '' ? null : name;
}

function clampSim(x: number): number {
  return Math.max(-1, Math.min(1, x));
}
