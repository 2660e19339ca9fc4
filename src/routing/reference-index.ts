import { rmSync } from 'node:fs';
import type { IndexConfig } from '../config/schema.js';
import { fingerprintKey, type Embedder } from '../embedding/embedder.js';
import { HnswIndex } from '../index/hnsw-index.js';
import { rebuildPathOf, removeStaleTempFiles } from '../index/temp-files.js';
import type { Neighbor } from '../index/vector-index.js';
import type { Logger } from '../shared/logger.js';
import { META_KEYS, type MetaStore } from '../store/meta-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';

export interface ReferenceIndexDeps {
  readonly store: SqliteReferenceStore;
  readonly meta: MetaStore;
  readonly embedder: Embedder;
  readonly indexPath: string;
  readonly config: IndexConfig;
  readonly logger: Logger;
  /** Called with (done, total) while re-embedding, for progress output. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** An index file saved over one snapshot of the store: exactly its references with vectors at `generation`. */
export interface SnapshotIndexFile {
  readonly path: string;
  /** The snapshot's reference generation (meta), named in the file's fingerprint. */
  readonly generation: number;
  readonly count: number;
}

/** Builds and saves an index over one snapshot at `outPath`, off the event loop (the fit worker's `buildIndex`). */
export type SnapshotIndexBuilder = (outPath: string) => Promise<SnapshotIndexFile>;

/**
 * Keeps the HNSW index a faithful cache of SQLite: vectors come from the store, the file is reused
 * only when its sidecar matches the active embedder and the store's reference generation.
 */
export class ReferenceIndex {
  private dirty = false;
  /** The rebuild running now (rebuilds run one at a time: they share one output path). */
  private rebuilding: Promise<void> = Promise.resolve();

  private constructor(
    private readonly deps: ReferenceIndexDeps,
    private index: HnswIndex,
  ) {}

  static async open(deps: ReferenceIndexDeps): Promise<ReferenceIndex> {
    const stale = removeStaleTempFiles(deps.indexPath);
    if (stale > 0) deps.logger.info({ files: stale }, 'removed temp files of index saves cut short by a crash');
    await syncEmbedderFingerprint(deps);
    const expected = { dims: deps.embedder.fingerprint.dims, fingerprint: indexFingerprint(deps), count: deps.store.countWithVectors() };
    // efSearch is a search-time setting: the configured one wins over the one saved with the file.
    const loaded = HnswIndex.load(deps.indexPath, expected, { efSearch: deps.config.efSearch });
    let ref: ReferenceIndex;
    if (loaded.ok) ref = new ReferenceIndex(deps, loaded.index);
    else {
      // A missing file on a fresh data dir is normal; anything else means the cache went bad.
      const level = loaded.reason === 'missing' ? 'info' : 'warn';
      deps.logger[level]({ reason: loaded.reason, path: deps.indexPath }, 'index file not usable; rebuilding it from SQLite');
      ref = new ReferenceIndex(deps, buildFromStore(deps));
      ref.save();
    }
    // References written by a seed that stopped before embedding them get their vectors now.
    if ((await ref.embedMissing()) > 0) ref.save();
    return ref;
  }

  search(vector: Float32Array, k: number): Neighbor[] {
    return this.index.search(vector, k);
  }

  get size(): number {
    return this.index.size;
  }

  describe() {
    return this.index.describe();
  }

  /** The labels (reference ids) the index holds now, in no particular order. */
  labels(): number[] {
    return this.index.labels();
  }

  /** Rebuilds from the vectors in SQLite (no re-embedding) and swaps the new index in whole. */
  rebuild(): void {
    this.index = buildFromStore(this.deps);
    this.save();
  }

  /**
   * Rebuilds off the event loop: `build` saves an index over one snapshot of SQLite; here it is
   * loaded, brought up to what SQLite holds now (rows added or deleted after the snapshot) and
   * swapped in whole, in one synchronous step, then moved over the index file. Until then the
   * current index serves. Rejects, keeping the current index, when the build fails or its file does
   * not load. Waits for a rebuild already running.
   */
  rebuildOffThread(build: SnapshotIndexBuilder): Promise<void> {
    const run = this.rebuilding.then(() => this.rebuildOnce(build));
    this.rebuilding = run.catch(() => undefined);
    return run;
  }

  private async rebuildOnce(build: SnapshotIndexBuilder): Promise<void> {
    const outPath = rebuildPathOf(this.deps.indexPath);
    try {
      const built = await build(outPath);
      const expected = { dims: this.index.dims, fingerprint: indexFileFingerprint(fingerprintKey(this.deps.embedder.fingerprint), this.deps.config, built.generation), count: built.count };
      const loaded = HnswIndex.load(built.path, expected, { efSearch: this.deps.config.efSearch });
      if (!loaded.ok) throw new Error(`the rebuilt index file is ${loaded.reason}`);
      const caughtUp = catchUp(loaded.index, this.deps.store, built.generation);
      this.index = loaded.index;
      HnswIndex.move(built.path, this.deps.indexPath);
      // Rows changed after the snapshot are in the index but not in the file (it names the snapshot's generation).
      this.dirty = caughtUp;
    } finally {
      rmSync(outPath, { force: true });
      rmSync(`${outPath}.json`, { force: true });
    }
  }

  /**
   * Embeds references that have no vector yet (new rows), stores the vectors, and indexes them.
   * Only the rows still there after the embedding awaited are indexed: a reference deleted meanwhile
   * (DELETE, another process's reset) must not come back into the index as a neighbour SQLite lacks.
   */
  async embedMissing(): Promise<number> {
    const missing = this.deps.store.textsWithoutVectors();
    if (missing.length === 0) return 0;
    const vectors = await embedInBatches(this.deps, missing.map((m) => m.text));
    const items = missing.map((m, i) => ({ id: m.id, vector: vectors[i] ?? new Float32Array(this.index.dims) }));
    const stored = this.deps.store.setVectors(items);
    for (const item of items) if (stored.has(item.id)) this.index.add(item.id, item.vector);
    return stored.size;
  }

  /** Adds one vector already stored in SQLite (a learned reference); the file is saved later. */
  add(id: number, vector: Float32Array): void {
    this.index.add(id, vector);
    this.dirty = true;
  }

  remove(id: number): void {
    this.index.remove(id);
    this.dirty = true;
  }

  /** Saves only when something changed since the last save. */
  saveIfDirty(): void {
    if (this.dirty) this.save();
  }

  save(): void {
    this.dirty = false;
    this.index.save(this.deps.indexPath, indexFingerprint(this.deps));
  }
}

/**
 * Brings an index built at `generation` up to the store: removes labels whose row is gone, adds rows
 * that got a vector since. Reads only ids (and the new rows' vectors), and only when the generation
 * moved. Returns whether anything could have changed.
 */
function catchUp(index: HnswIndex, store: SqliteReferenceStore, generation: number): boolean {
  if (store.generation() === generation) return false;
  const stored = store.vectorIds();
  for (const label of index.labels()) if (!stored.has(label)) index.remove(label);
  for (const { id, vector } of store.vectorsOf([...stored].filter((id) => !index.has(id)))) index.add(id, vector);
  return true;
}

function indexFingerprint(deps: ReferenceIndexDeps): string {
  return indexFileFingerprint(fingerprintKey(deps.embedder.fingerprint), deps.config, deps.store.generation());
}

/** Index files are valid for one embedder, one HNSW shape and one generation of the reference set. */
export function indexFileFingerprint(embedderKey: string, config: Pick<IndexConfig, 'm' | 'efConstruction'>, generation: number): string {
  return `${embedderKey}|m=${config.m}|efc=${config.efConstruction}|gen=${generation}`;
}

/** A new embedder makes every stored vector meaningless: re-embed the stored texts. */
async function syncEmbedderFingerprint(deps: ReferenceIndexDeps): Promise<void> {
  const active = fingerprintKey(deps.embedder.fingerprint);
  const stored = deps.meta.get(META_KEYS.embedderFingerprint);
  if (stored === active) return;
  const texts = deps.store.texts();
  if (texts.length > 0) {
    deps.logger.warn({ stored, active, references: texts.length }, 'embedder changed; re-embedding every reference prompt');
    const vectors = await embedInBatches(deps, texts.map((t) => t.text));
    deps.store.setVectors(texts.map((t, i) => ({ id: t.id, vector: vectors[i] ?? new Float32Array(deps.embedder.fingerprint.dims) })));
  }
  deps.meta.set(META_KEYS.embedderFingerprint, active);
}

async function embedInBatches(deps: ReferenceIndexDeps, texts: readonly string[]): Promise<Float32Array[]> {
  const batch = 256;
  const out: Float32Array[] = [];
  // 0 of N first, so a waiting /readyz shows the total before the first batch is done.
  deps.onProgress?.(0, texts.length);
  for (let start = 0; start < texts.length; start += batch) {
    out.push(...(await deps.embedder.embed(texts.slice(start, start + batch))));
    deps.onProgress?.(out.length, texts.length);
  }
  return out;
}

function buildFromStore(deps: ReferenceIndexDeps): HnswIndex {
  const { m, efConstruction, efSearch, seed } = deps.config;
  const index = new HnswIndex({ dims: deps.embedder.fingerprint.dims, capacity: Math.max(16, deps.store.countWithVectors()), m, efConstruction, efSearch, seed });
  for (const { id, vector } of deps.store.vectors()) index.add(id, vector);
  return index;
}
