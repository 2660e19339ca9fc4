import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { loadBackgroundSet, type BackgroundSet } from '../coverage/background.js';
import { createEmbedderPool, inProcessPool } from '../embedding/create-pool.js';
import { fingerprintKey, reportsCuts, type Embedder, type EmbedderPool } from '../embedding/embedder.js';
import { embedderLanguages } from '../embedding/languages.js';
import { ReferenceIndex, type SnapshotIndexBuilder } from '../routing/reference-index.js';
import { Router, type RecordTotals } from '../routing/router.js';
import { compileRules } from '../routing/rules.js';
import { SessionAffinity } from '../routing/session-affinity.js';
import { reseedFromDatabase, seedReferenceSets, type SeedSummary } from '../seeding/seed.js';
import { AppError } from '../shared/errors.js';
import { Metrics } from '../shared/metrics.js';
import type { ChatProxy } from '../proxy/chat-proxy.js';
import { createChatProxy } from '../proxy/create-chat-proxy.js';
import type { AppDeps } from '../server/app.js';
import type { Logger } from '../shared/logger.js';
import { openDatabase, type Db } from '../store/db.js';
import { SqliteDecisionStore } from '../store/decision-store.js';
import { SqliteOutcomeStore } from '../store/outcome-store.js';
import { WriteQueue } from '../store/write-queue.js';
import { startRetentionSweep } from '../store/retention.js';
import { Learner } from '../routing/learner.js';
import { createMetaStore, type MetaStore } from '../store/meta-store.js';
import { SqliteReferenceStore } from '../store/reference-store.js';
import { FitWorker } from './fit-worker-client.js';
import { fitRouter, type RouterFit } from './router-fit.js';
import { RouterRefits, type RefitOutcome } from './router-refits.js';

export interface Deps {
  /** Replaced whole by a hot reload (catalog, rules, routing knobs). */
  config: Config;
  readonly logger: Logger;
  readonly db: Db;
  readonly meta: MetaStore;
  readonly references: SqliteReferenceStore;
  readonly decisions: SqliteDecisionStore;
  readonly embedder: EmbedderPool;
  readonly index: ReferenceIndex;
  readonly outcomes: SqliteOutcomeStore;
  readonly queue: WriteQueue;
  readonly learner: Learner;
  readonly metrics: Metrics;
  readonly proxy: ChatProxy;
  /** Our front-door API keys: name → key. */
  readonly proxyKeys: ReadonlyMap<string, string>;
  router: Router;
  /** Rebuilds `router` (and swaps `config` with it) off the event loop, one refit at a time. */
  readonly refits: RouterRefits;
  /** Builds the HNSW index over one snapshot in the fit worker (an admin rebuild), off the event loop. */
  readonly buildIndex: SnapshotIndexBuilder;
  /** Session → model, kept across router rebuilds. */
  readonly sessions: SessionAffinity;
  /** Calibration-only prompts (backgroundDir) and their vectors, loaded once at start. */
  readonly background: BackgroundSet;
  /** The seed run at start, when the database was empty and seedOnEmpty is on. */
  readonly initialSeed?: SeedSummary;
  /**
   * Commits the write queue, saves the index and closes the database at once (synchronously), then
   * resolves when the embedding workers this owns have terminated. Await it before process.exit():
   * a native addon (onnxruntime) torn down mid-exit on a worker thread can kill the process by a signal.
   */
  close(): Promise<void>;
}

export interface BootstrapOptions {
  /** Where upstream API keys and our proxy keys are read from (names are in config). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Use this embedder instead of building the configured one (tests, benchmarks). A plain embedder
   * runs in-process under the configured budget and cache; a pool is used as it is and its owner closes it.
   */
  readonly embedder?: Embedder;
  readonly onProgress?: (done: number, total: number) => void;
  /** After the references: background prompts embedded (done, total; 0 of 0 when cached), then calibration and the policy fit run. */
  readonly onCalibrationProgress?: (done: number, total: number) => void;
  /** The registry to fill (serve's, which /metrics already served during start-up); a new one by default. */
  readonly metrics?: Metrics;
}

export function dataPaths(config: Config): { db: string; index: string } {
  return { db: path.join(config.dataDir, 'router.sqlite'), index: path.join(config.dataDir, 'index.hnsw') };
}

/** The composition root: opens the store, loads the embedder and index, seeds if empty, builds the router. */
export async function bootstrap(config: Config, logger: Logger, options: BootstrapOptions = {}): Promise<Deps> {
  mkdirSync(config.dataDir, { recursive: true });
  const paths = dataPaths(config);
  const db = openDatabase(paths.db);
  const meta = createMetaStore(db);
  const references = new SqliteReferenceStore(db);
  const decisions = new SqliteDecisionStore(db);
  const ownsEmbedder = options.embedder === undefined || !reportsCuts(options.embedder);
  const embedder = options.embedder ? inProcessPool(options.embedder, config.embedding) : await createEmbedderPool(config.embedding, config.dataDir, logger);
  const index = await ReferenceIndex.open({
    store: references,
    meta,
    embedder,
    indexPath: paths.index,
    config: config.index,
    logger: logger.child({ module: 'index' }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  let initialSeed: SeedSummary | undefined;
  if (config.seedOnEmpty && references.count() === 0) {
    initialSeed = await seedReferenceSets({ references, index, logger }, config.referenceDir, seedModelCheck(config));
    for (const w of initialSeed.warnings) logger.warn({ file: w.file, line: w.line }, w.reason);
    logger.info({ ...initialSeed, errors: initialSeed.errors.length }, 'seeded the bundled reference sets into an empty database');
  }
  const background = await loadBackgroundSet({ embedder, meta, logger, ...(options.onCalibrationProgress ? { onProgress: options.onCalibrationProgress } : {}) }, config.backgroundDir);
  const env = options.env ?? {};
  const outcomes = new SqliteOutcomeStore(db);
  const queue = new WriteQueue(db);
  const sessions = new SessionAffinity({ ttlMs: config.routing.sessions.ttlSeconds * 1000, maxSessions: config.routing.sessions.maxSessions });
  const base = { config, logger, db, meta, references, decisions, embedder, index, initialSeed, outcomes, queue, sessions, background, metrics: options.metrics ?? new Metrics() };
  base.metrics.observeEmbeddingPool(() => embedder.stats());
  const fitWorker = new FitWorker(
    { dbPath: paths.db, indexPath: paths.index, index: config.index, dims: embedder.fingerprint.dims, embedderKey: fingerprintKey(embedder.fingerprint), background },
    { meta, logger },
  );
  // Start-up fits the same way as a reload: in the fit worker, so /healthz answers meanwhile.
  const routerFor = async (next: Config, options: { refit: boolean; storeChanged?: boolean }) => {
    const fitted = await fitWorker.fit(next, options);
    // A config-only change keeps the records: the running router's totals are copied, not re-read (a scan of every record).
    return routerOf({ ...base, config: next }, options.storeChanged === false ? { ...fitted, totals: deps.router.recordTotals() } : fitted);
  };
  const refits = new RouterRefits({ target: () => deps, build: routerFor, logger });
  const deps: Deps = {
    ...base,
    router: await routerFor(config, { refit: false }),
    refits,
    buildIndex: (outPath) => fitWorker.buildIndex(outPath),
    learner: new Learner({
      references,
      decisions,
      outcomes,
      queue,
      index,
      embedder,
      router: () => deps.router,
      learning: config.learning,
      logger: logger.child({ module: 'learner' }),
    }),
    proxy: createChatProxy({ ...base, learner: () => deps.learner, router: () => deps.router, config: () => deps.config, env }),
    proxyKeys: new Map(config.proxy.budgets.keys.flatMap((k) => (env[k.keyEnv] ? [[k.name, env[k.keyEnv] ?? '']] : []))),
    close() {
      refits.close();
      clearInterval(saver);
      retention.stop();
      queue.flush();
      index.save();
      db.close();
      // The fit worker too may be inside a native call (SQLite, hnswlib) when asked to stop.
      return Promise.all([fitWorker.close(), ownsEmbedder ? embedder.close() : undefined]).then(() => undefined);
    },
  };
  const retention = startRetentionSweep({ decisions, queue, logger: logger.child({ module: 'retention' }), retentionDays: () => deps.config.log.retentionDays });
  // Learned references reach the index file now and then; a crash in between only costs a rebuild.
  const saver = setInterval(() => index.saveIfDirty(), config.learning.indexSaveIntervalMs);
  saver.unref();
  return deps;
}

/** What the seed checks record model ids against: the catalog, strictly when configured. */
export function seedModelCheck(config: Config): { knownModels: ReadonlySet<string>; strictModels: boolean } {
  return { knownModels: new Set(config.catalog.map((m) => m.id)), strictModels: config.strictModels };
}

type RouterDeps = Pick<Deps, 'config' | 'logger' | 'meta' | 'references' | 'decisions' | 'index' | 'queue'> & { readonly embedder: Embedder; sessions?: SessionAffinity; background?: BackgroundSet };

/**
 * A router over the current state, calibrated and fitted on this thread (CLI commands, tests); the
 * server refits through `deps.refits`, off the event loop.
 */
export function buildRouter(
  deps: RouterDeps,
  /** refit: fit the policy even when a fit for the same records is cached (seed, on demand). */
  options: { refit?: boolean } = {},
): Router {
  return routerOf(deps, fitRouter({ ...deps, embedderKey: fingerprintKey(deps.embedder.fingerprint) }, options));
}

/** A router over the live store with a fit made earlier (`fitRouter`, here or in the fit worker). */
export function routerOf(deps: RouterDeps, { coverage, fit, totals }: RouterFit & { totals?: RecordTotals }): Router {
  return new Router({
    fit,
    ...(totals ? { totals } : {}),
    embedder: deps.embedder,
    index: deps.index,
    references: deps.references,
    decisions: deps.decisions,
    catalog: deps.config.catalog,
    routing: deps.config.routing,
    rules: compileRules(deps.config.rules),
    coverage,
    languages: embedderLanguages(deps.embedder.fingerprint, deps.config.embedding),
    storePrompts: deps.config.log.includePrompts,
    keepText: deps.config.log.keepText,
    conversation: deps.config.routing.conversation,
    ...(deps.sessions && deps.config.routing.sessions.enabled ? { sessions: deps.sessions } : {}),
    logger: deps.logger.child({ module: 'router' }),
    queue: deps.queue,
  });
}

/** What the HTTP layer gets from the composition root. */
export function appDepsOf(deps: Deps, logger: Logger = deps.logger.child({ module: 'http' })): AppDeps {
  return {
    // A getter: the router is rebuilt when the reference set or the config changes.
    get router() {
      return deps.router;
    },
    learner: deps.learner,
    decisions: deps.decisions,
    outcomes: deps.outcomes,
    queue: deps.queue,
    embedder: deps.embedder,
    index: deps.index,
    references: deps.references,
    get catalog() {
      return deps.config.catalog;
    },
    get defaultModel() {
      return deps.config.routing.defaultModel;
    },
    get strictModels() {
      return deps.config.strictModels;
    },
    maxBodyBytes: deps.config.server.maxBodyBytes,
    rateLimitPerMinute: deps.config.server.rateLimitPerMinute,
    corsOrigins: deps.config.server.corsOrigins,
    logger,
    metrics: deps.metrics,
    includePrompts: deps.config.log.includePrompts,
    version: VERSION,
    proxy: deps.proxy,
    proxyKeys: deps.proxyKeys,
    requireProxyKey: deps.config.proxy.budgets.requireKey,
    admin: {
      token: deps.config.admin.token,
      // The router is refitted off the event loop; the response waits for it, other requests do not.
      referencesChanged: async () => {
        await deps.refits.request();
      },
      rebuild: async () => {
        const summary = await reseedFromDatabase(deps, { buildIndex: deps.buildIndex }).catch((error: unknown) => {
          deps.logger.error({ err: error }, 'rebuilding the index failed; the previous index stays in force');
          throw new AppError('INDEX_REBUILD_FAILED', 'rebuilding the index failed; the previous index and router stay in force', undefined, { cause: error });
        });
        if ((await deps.refits.request()) === 'failed') throw new AppError('INTERNAL', 'the index was rebuilt but refitting the router failed; the previous router stays in force');
        return summary;
      },
    },
  };
}

/** The package version, for /openapi.json. */
const VERSION = '0.1.0';

/** Settings that only take effect at start; a reload that changes them says so and keeps the old. */
const RESTART_ONLY = ['dataDir', 'server', 'embedding', 'index', 'admin'] as const;

/**
 * Swaps in a new config's catalog, rules and routing/learning knobs together with a router refitted
 * for it (off the event loop; until then the running config and router serve). The caller has
 * already parsed it (a bad file never gets here). Returns the refit's outcome and the sections that
 * need a restart to change.
 */
export async function applyReloadedConfig(deps: Deps, next: Config): Promise<{ outcome: RefitOutcome; needsRestart: string[] }> {
  const needsRestart = RESTART_ONLY.filter((key) => JSON.stringify(next[key]) !== JSON.stringify(deps.config[key]));
  const merged: Config = { ...next, ...Object.fromEntries(RESTART_ONLY.map((key) => [key, deps.config[key]])) };
  return { outcome: await deps.refits.request({ config: merged }), needsRestart };
}
