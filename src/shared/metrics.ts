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
