import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The service's Prometheus metrics; the only module that imports prom-client. Labels are model ids,
 * reasons and stages — never prompts, keys or anything a caller controls freely.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly decisions = new Counter({
    name: 'semroute_decisions_total',
    help: 'Routing decisions by chosen model and reason',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });
  readonly coverage = new Counter({
    name: 'semroute_decisions_coverage_total',
    help: 'Routing decisions by whether a reference covered the prompt (covered ratio = covered / all)',
    labelNames: ['covered'] as const,
    registers: [this.registry],
  });
  readonly outcomes = new Counter({
    name: 'semroute_outcomes_total',
    help: 'Reported outcomes by model and result (success counts score >= 0.5 and pairwise wins)',
    labelNames: ['model', 'result'] as const,
    registers: [this.registry],
  });
  readonly routeSeconds = new Histogram({
    name: 'semroute_route_duration_seconds',
    help: 'Time spent routing, by stage: embed, search (HNSW), decide, total',
    labelNames: ['stage'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly attempts = new Counter({
    name: 'semroute_upstream_attempts_total',
    help: 'Upstream calls by model and verdict (ok, retry_after, transient, deployment_fault, caller_fault, context_too_long, stream_failed_before_content, stream_broken, cancelled)',
    labelNames: ['model', 'result'] as const,
    registers: [this.registry],
  });
  readonly fallbacks = new Counter({ name: 'semroute_fallbacks_total', help: 'Requests that moved down the fallback list, by the model tried', labelNames: ['model'] as const, registers: [this.registry] });
  readonly escalations = new Counter({ name: 'semroute_escalations_total', help: 'Escalations to a stronger model, by reason', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly cooldowns = new Counter({ name: 'semroute_cooldowns_total', help: 'Times a model was put in cooldown by the circuit breaker', labelNames: ['model'] as const, registers: [this.registry] });
  readonly spend = new Counter({ name: 'semroute_spend_usd_total', help: 'Upstream spend in USD by model and API key name', labelNames: ['model', 'key'] as const, registers: [this.registry] });
  readonly indexSize = new Gauge({ name: 'semroute_index_size', help: 'Reference prompts in the HNSW index', registers: [this.registry] });
  private poolStats: (() => EmbeddingPoolFigures) | undefined;

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'semroute_' });
  }

  recordDecision(d: { model: string; reason: string; covered: boolean; embedMs: number; searchMs: number; decideMs: number }): void {
    this.decisions.inc({ model: d.model, reason: d.reason });
    this.coverage.inc({ covered: String(d.covered) });
    this.routeSeconds.observe({ stage: 'embed' }, d.embedMs / 1000);
    this.routeSeconds.observe({ stage: 'search' }, d.searchMs / 1000);
    this.routeSeconds.observe({ stage: 'decide' }, d.decideMs / 1000);
    this.routeSeconds.observe({ stage: 'total' }, (d.embedMs + d.searchMs + d.decideMs) / 1000);
  }

  recordOutcome(model: string, value: number): void {
    this.outcomes.inc({ model, result: value >= 0.5 ? 'success' : 'failure' });
  }

  /**
   * Exports the embedding pool's figures, read from `stats` at each scrape (names after Prometheus's
   * conventions: counters end in _total, sizes in _bytes). A later call replaces the source.
   */
  observeEmbeddingPool(stats: () => EmbeddingPoolFigures): void {
    if (this.poolStats === undefined) registerPoolMetrics(this.registry, () => this.poolStats?.());
    this.poolStats = stats;
  }

  /**
   * Registers the start-up figures (phase, prompts embedded of planned, seconds taken) and returns
   * their setter; `serve` calls it before it listens, so a scrape during a long start-up gets them
   * with the process metrics, and they stay in the registry once the full app answers.
   */
  trackStartup(): StartupMetrics {
    return trackStartup(this.registry);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * Where start-up is: loading the embedder and index; embedding reference prompts (done of total);
 * or calibrating: embedding the background set (done of total prompts; 0 of 0 when its vectors are
 * cached), then fitting the coverage test and the routing policy.
 */
export type StartupPhase = 'loading' | 'embedding' | 'calibrating';

export interface StartupMetrics {
  /** The current phase and its prompts embedded (`done`) of planned (`total`). */
  progress(phase: StartupPhase, done: number, total: number): void;
  /** Start-up is over: phase "ready", and the duration stops growing. */
  ready(): void;
}

const STARTUP_STATES = ['loading', 'embedding', 'calibrating', 'ready'] as const;

function trackStartup(registry: Registry): StartupMetrics {
  const began = performance.now();
  let seconds: number | undefined;
  // A state set (one series per phase, 1 for the current one), as Prometheus exporters show enums.
  const phase = new Gauge({ name: 'semroute_startup_phase', help: 'Start-up phase: 1 for the current one (loading, embedding, calibrating, ready), 0 for the others', labelNames: ['phase'] as const, registers: [registry] });
  const embedded = new Gauge({ name: 'semroute_startup_prompts_embedded', help: 'Prompts the current start-up phase has embedded (reference prompts, then background prompts)', registers: [registry] });
  const planned = new Gauge({ name: 'semroute_startup_prompts_planned', help: 'Prompts the current start-up phase embeds in all (0 when their vectors are cached)', registers: [registry] });
  new Gauge({
    name: 'semroute_startup_duration_seconds',
    help: 'Seconds start-up has taken so far, or took once ready (from listening to serving)',
    registers: [registry],
    collect() {
      this.set(seconds ?? (performance.now() - began) / 1000);
    },
  });
  const enter = (current: (typeof STARTUP_STATES)[number]) => {
    for (const state of STARTUP_STATES) phase.set({ phase: state }, state === current ? 1 : 0);
  };
  enter('loading');
  embedded.set(0);
  planned.set(0);
  return {
    progress(current, done, total) {
      enter(current);
      embedded.set(done);
      planned.set(total);
    },
    ready() {
      enter('ready');
      seconds ??= (performance.now() - began) / 1000;
    },
  };
}

/** What the embedding pool reports (src/embedding's PoolStats; shared imports nothing of it). */
export interface EmbeddingPoolFigures {
  readonly workers: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly restarts: number;
  readonly cache: { readonly entries: number; readonly bytes: number; readonly hits: number; readonly misses: number };
  /** Resident set growth per worker after its model loaded, in MiB (whole; 0 for in-process pools). */
  readonly workerMemoryMb: readonly number[];
}

type PoolFigure = (s: EmbeddingPoolFigures) => number;

const POOL_GAUGES: readonly [name: string, help: string, read: PoolFigure][] = [
  ['semroute_embedding_workers', 'Embedding worker threads with their model loaded (0 when embedding runs in-process)', (s) => s.workers],
  ['semroute_embedding_in_flight', 'Texts the embedding workers are embedding now', (s) => s.inFlight],
  ['semroute_embedding_queued', 'Texts waiting for an embedding worker (routes and bulk work)', (s) => s.queued],
  ['semroute_embedding_cache_entries', 'Vectors in the embedding cache', (s) => s.cache.entries],
  ['semroute_embedding_cache_size_bytes', 'Bytes the embedding cache holds (vectors and keys)', (s) => s.cache.bytes],
];

const POOL_COUNTERS: readonly [name: string, help: string, read: PoolFigure][] = [
  ['semroute_embedding_worker_restarts_total', 'Embedding workers that died and were replaced', (s) => s.restarts],
  ['semroute_embedding_cache_hits_total', 'Texts answered from the embedding cache', (s) => s.cache.hits],
  ['semroute_embedding_cache_misses_total', 'Texts the embedding cache did not hold (embedded by the model)', (s) => s.cache.misses],
];

const MIB = 2 ** 20;

function registerPoolMetrics(registry: Registry, stats: () => EmbeddingPoolFigures | undefined): void {
  for (const [name, help, read] of POOL_GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        if (s) this.set(read(s));
      },
    });
  }
  // The pool keeps the running counts; a scrape copies them (reset + inc is how prom-client sets a counter).
  for (const [name, help, read] of POOL_COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        if (!s) return;
        this.reset();
        this.inc(read(s));
      },
    });
  }
  new Gauge({
    name: 'semroute_embedding_worker_memory_bytes',
    help: 'Resident set growth of each embedding worker once its model loaded, in bytes (measured in whole MiB)',
    labelNames: ['worker'] as const,
    registers: [registry],
    collect() {
      const s = stats();
      if (!s) return;
      this.reset();
      s.workerMemoryMb.forEach((mb, i) => this.set({ worker: String(i) }, mb * MIB));
    },
  });
}
