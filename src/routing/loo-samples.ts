import { trials } from '../store/types.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import type { LooSample } from './policies/fit-policy.js';
import type { ReferenceIndex } from './reference-index.js';

/** A leave-one-out sample with the sampled reference's id (to look up its text). */
export type IdentifiedSample = LooSample & { readonly id: number };

/**
 * Up to `max` references that carry records, evenly spread over their ids, each with its k nearest
 * *other* references (with their intents) as evidence and its own per-model rates as targets: held-out data drawn from
 * the reference set itself, for fitting the policy. Cost: `max` index searches and record reads.
 */
export function leaveOneOutSamples(deps: { references: SqliteReferenceStore; index: Pick<ReferenceIndex, 'search'> }, options: { k: number; max: number }): IdentifiedSample[] {
  const step = Math.max(1, deps.references.countWithVectors() / options.max);
  const picked: { id: number; vector: Float32Array }[] = [];
  let position = 0;
  let next = 0;
  for (const ref of deps.references.vectors()) {
    if (position++ < Math.floor(next)) continue;
    next += step;
    picked.push(ref);
  }
  const samples: IdentifiedSample[] = [];
  for (const ref of picked) {
    const neighbours = deps.index.search(ref.vector, options.k + 1).filter((n) => n.label !== ref.id).slice(0, options.k);
    const records = deps.references.records([ref.id, ...neighbours.map((n) => n.label)]);
    const own = records.get(ref.id);
    if (!own) continue;
    const targets = new Map([...own].flatMap(([model, r]) => (trials(r) > 0 ? [[model, (r.wins + r.ties / 2) / trials(r)] as const] : [])));
    if (targets.size === 0) continue;
    // Intents too: the coverage test reads the neighbours' intent vote (per-intent thresholds).
    const refs = deps.references.references([ref.id, ...neighbours.map((n) => n.label)]);
    const evidence = neighbours.map((n) => ({ id: n.label, similarity: n.similarity, intent: refs.get(n.label)?.intent ?? null, records: records.get(n.label) ?? new Map() }));
    // Its own intent's centroid still holds it (a 1/n pull towards its own intent): the centroids are
    // the calibration's, shared with the router, not refitted per sample.
    // Its own intent and records are taken out of the totals its ranking is read from (fit-policy.ts).
    samples.push({ id: ref.id, evidence, targets, vector: ref.vector, intent: refs.get(ref.id)?.intent ?? null, own });
  }
  return samples;
}
