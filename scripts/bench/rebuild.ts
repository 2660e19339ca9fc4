import type { Deps } from '../../src/cli/bootstrap.js';

export interface RebuildResult {
  readonly references: number;
  /** Reading every stored vector from SQLite, nothing else: the floor under a rebuild. */
  readonly readVectorsSeconds: number;
  /** ReferenceIndex.rebuild(): read vectors, insert them into a new HNSW index, save it (hash, fsync, rename). */
  readonly rebuildSeconds: number;
  readonly m: number;
  readonly efConstruction: number;
}

/** The index is a cache of SQLite: how long it takes to rebuild it from the vectors stored there. */
export function measureRebuild(deps: Deps): RebuildResult {
  let t = performance.now();
  let n = 0;
  for (const { vector } of deps.references.vectors()) n += vector.length > 0 ? 1 : 0;
  const readVectorsSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  deps.index.rebuild();
  const rebuildSeconds = (performance.now() - t) / 1000;
  if (deps.index.size !== n) throw new Error(`rebuilt index holds ${deps.index.size} vectors, SQLite ${n}`);
  return { references: n, readVectorsSeconds, rebuildSeconds, m: deps.config.index.m, efConstruction: deps.config.index.efConstruction };
}
