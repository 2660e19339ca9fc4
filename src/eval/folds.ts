import { seededRandom } from '../shared/random.js';
import { contentHash } from '../store/content-hash.js';
import type { EvalRow } from './types.js';
import { AppError } from '../shared/errors.js';

/** Row indices that seed the references, and those routed against them. */
export interface Fold {
  readonly train: readonly number[];
  readonly test: readonly number[];
}

export type FoldPlan = { readonly mode: 'split'; readonly folds: readonly Fold[] } | { readonly mode: 'cv'; readonly k: number; readonly folds: readonly Fold[] };

/**
 * The dataset's own train/test split when it has one; otherwise k-fold cross-validation. Folds are
 * stratified by group (each benchmark is split k ways) and keyed by prompt text, so duplicates of a
 * prompt land in the same fold and a test prompt never meets its own copy among the references.
 */
export function planFolds(rows: readonly EvalRow[], options: { k: number; seed: number }): FoldPlan {
  const withSplit = rows.filter((r) => r.split !== undefined).length;
  if (withSplit > 0 && withSplit < rows.length) {
    throw new AppError('VALIDATION_FAILED', `${withSplit} of ${rows.length} rows have a split: give every row one (train or test), or none for cross-validation`);
  }
  if (withSplit > 0) return { mode: 'split', folds: [splitFold(rows)] };
  if (!Number.isInteger(options.k) || options.k < 2) throw new AppError('VALIDATION_FAILED', `folds must be an integer of at least 2 (got ${options.k})`);
  const foldOf = assignFolds(rows, options);
  const folds = Array.from({ length: options.k }, (_, f) => ({
    train: rows.flatMap((_, i) => (foldOf[i] !== f ? [i] : [])),
    test: rows.flatMap((_, i) => (foldOf[i] === f ? [i] : [])),
  }));
  return { mode: 'cv', k: options.k, folds };
}

function splitFold(rows: readonly EvalRow[]): Fold {
  return {
    train: rows.flatMap((r, i) => (r.split === 'train' ? [i] : [])),
    test: rows.flatMap((r, i) => (r.split === 'test' ? [i] : [])),
  };
}

/** Fold number per row: distinct prompts of each group are shuffled (seeded), then dealt round-robin. */
function assignFolds(rows: readonly EvalRow[], options: { k: number; seed: number }): number[] {
  const hashes = rows.map((r) => contentHash(r.prompt));
  const groupOfHash = new Map<string, string>();
  hashes.forEach((h, i) => {
    if (!groupOfHash.has(h)) groupOfHash.set(h, rows[i]?.group ?? '');
  });
  const byGroup = new Map<string, string[]>();
  for (const [hash, group] of groupOfHash) {
    const list = byGroup.get(group);
    if (list) list.push(hash);
    else byGroup.set(group, [hash]);
  }
  const random = seededRandom(options.seed);
  const foldOfHash = new Map<string, number>();
  for (const group of [...byGroup.keys()].sort()) {
    const shuffled = shuffle(byGroup.get(group) ?? [], random);
    shuffled.forEach((hash, i) => foldOfHash.set(hash, i % options.k));
  }
  return hashes.map((h) => foldOfHash.get(h) ?? 0);
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}
