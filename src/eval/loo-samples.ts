import type { Deps } from '../cli/bootstrap.js';
import type { FitSample } from '../routing/policies/fit-knn-success.js';
import { trials } from '../store/types.js';

/**
 * Up to `max` references of the seeded store, evenly spread over their ids, each with its k nearest
 * *other* references as evidence and its own per-model rates as targets: the held-out data that
 * fits knn-success's shrinkage to this reference set and embedder (training data only).
 */
export function leaveOneOutSamples(deps: Pick<Deps, 'references' | 'index'>, options: { k: number; max: number }): FitSample[] {
  const step = Math.max(1, deps.references.countWithVectors() / options.max);
  const samples: FitSample[] = [];
  let position = 0;
  let next = 0;
  for (const ref of deps.references.vectors()) {
    if (position++ < Math.floor(next)) continue;
    next += step;
    const neighbours = deps.index.search(ref.vector, options.k + 1).filter((n) => n.label !== ref.id).slice(0, options.k);
    const records = deps.references.records([ref.id, ...neighbours.map((n) => n.label)]);
    const own = records.get(ref.id);
    if (!own) continue;
    const targets = new Map([...own].flatMap(([model, r]) => (trials(r) > 0 ? [[model, (r.wins + r.ties / 2) / trials(r)] as const] : [])));
    const evidence = neighbours.map((n) => ({ id: n.label, similarity: n.similarity, intent: null, records: records.get(n.label) ?? new Map() }));
    samples.push({ evidence, targets });
  }
  return samples;
}
