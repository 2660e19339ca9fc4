/**
 * The fit worker: calibrates the coverage test and fits the policy (router-fit.ts), and builds the
 * HNSW index for an admin rebuild, off the server's event loop, on its own read-only use of the database. Each job reads one snapshot: a deferred
 * transaction held open from the first read to the end, so every record, vector and total the fit
 * sees is from the same commit (WAL: the server keeps writing meanwhile). The worker writes nothing;
 * cache entries and log lines go back to the server with the result.
 */
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import type { CatalogModel, RoutingConfig } from '../config/schema.js';
import { HnswIndex } from '../index/hnsw-index.js';
import { indexFileFingerprint } from '../routing/reference-index.js';
import type { Neighbor } from '../index/vector-index.js';
import { createLogger } from '../shared/logger.js';
import { openDatabase } from '../store/db.js';
import { createMetaStore, type MetaStore } from '../store/meta-store.js';
import { SqliteReferenceStore } from '../store/reference-store.js';
import type { FitReply, SnapshotIndexFile } from './fit-protocol.js';
import { fitRouter } from './router-fit.js';

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;

const WorkerDataSchema = z.object({
  dbPath: z.string(),
  indexPath: z.string(),
  index: z.looseObject({ m: z.number(), efConstruction: z.number(), efSearch: z.number(), seed: z.number() }),
  dims: z.number().int().positive(),
  embedderKey: z.string(),
  background: z.object({ hash: z.string(), prompts: z.number(), vectors: z.array(z.instanceof(Float32Array)) }).nullable(),
});

/** The config sections come from the server's parsed, validated config; only their shape is checked here. */
const JobSchema = z.discriminatedUnion('kind', [
  z.object({
    id: z.number(),
    kind: z.literal('fit'),
    refit: z.boolean(),
    config: z.object({ routing: z.custom<RoutingConfig>(isObject), catalog: z.array(z.custom<CatalogModel>(isObject)) }),
  }),
  z.object({ id: z.number(), kind: z.literal('index'), outPath: z.string() }),
]);

const data = WorkerDataSchema.parse(workerData);
const port = parentPort;
if (!port) throw new Error('fit-worker.ts runs only as a worker thread');
port.on('message', (message: unknown) => port.postMessage(runJob(message)));

function runJob(message: unknown): FitReply {
  const parsed = JobSchema.safeParse(message);
  const id = parsed.success ? parsed.data.id : -1;
  if (!parsed.success) return { id, ok: false, message: `bad fit job: ${parsed.error.message}` };
  const job = parsed.data;
  const db = openDatabase(data.dbPath);
  try {
    db.exec('BEGIN');
    const references = new SqliteReferenceStore(db);
    if (job.kind === 'index') return { id, ok: true, kind: 'index', built: saveSnapshotIndex(references, job.outPath) };
    const logs: string[] = [];
    const logger = createLogger('debug', new Writable({ write: (chunk: Buffer, _encoding, done) => (logs.push(String(chunk)), done()) }));
    const meta = bufferedMeta(createMetaStore(db));
    const index = snapshotIndex(references);
    const background = data.background ?? undefined;
    const result = fitRouter({ config: job.config, references, meta, index, embedderKey: data.embedderKey, background, logger }, { refit: job.refit });
    return { id, ok: true, kind: 'fit', result, metaWrites: [...meta.writes], logs };
  } catch (error) {
    return { id, ok: false, message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) };
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
}

/** Reads go to SQLite (or to this job's own writes); writes are kept for the server to make. */
function bufferedMeta(stored: MetaStore): MetaStore & { readonly writes: Map<string, string> } {
  const writes = new Map<string, string>();
  return { writes, get: (key) => writes.get(key) ?? stored.get(key), set: (key, value) => void writes.set(key, value) };
}

/**
 * An index over exactly the snapshot's vectors, made on the first search (a fit served from cache
 * needs none): the server's saved file when its fingerprint names the snapshot's reference
 * generation (the usual case), else built from the vectors in the snapshot, in store order and
 * with the configured seed, as the server builds it.
 */
function snapshotIndex(references: SqliteReferenceStore): { search(vector: Float32Array, k: number): Neighbor[] } {
  let index: HnswIndex | undefined;
  const open = (): HnswIndex => {
    const count = references.countWithVectors();
    const expected = { dims: data.dims, fingerprint: indexFileFingerprint(data.embedderKey, data.index, references.generation()), count };
    const loaded = HnswIndex.load(data.indexPath, expected, { efSearch: data.index.efSearch });
    if (loaded.ok) return loaded.index;
    return buildFromSnapshot(references, count);
  };
  return { search: (vector, k) => (index ??= open()).search(vector, k) };
}

/** The snapshot's vectors in store order, with the configured seed: what ReferenceIndex builds on the server. */
function buildFromSnapshot(references: SqliteReferenceStore, count: number): HnswIndex {
  const { m, efConstruction, efSearch, seed } = data.index;
  const items = (function* () {
    for (const { id, vector } of references.vectors()) yield { label: id, vector };
  })();
  return HnswIndex.build(items, { dims: data.dims, capacity: Math.max(16, count), m, efConstruction, efSearch, seed });
}

/**
 * An admin rebuild's index: built from the snapshot and saved at `outPath` with a fingerprint naming
 * the snapshot's generation, so the server can tell what changed after it.
 */
function saveSnapshotIndex(references: SqliteReferenceStore, outPath: string): SnapshotIndexFile {
  const generation = references.generation();
  const count = references.countWithVectors();
  buildFromSnapshot(references, count).save(outPath, indexFileFingerprint(data.embedderKey, data.index, generation));
  return { path: outPath, generation, count };
}
