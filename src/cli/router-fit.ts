import type { Config } from '../config/schema.js';
import type { BackgroundSet } from '../coverage/background.js';
import { resolveCoverageModel } from '../coverage/threshold.js';
import { coverageTestOf, type CoverageModel } from '../routing/coverage.js';
import type { ReferenceIndex } from '../routing/reference-index.js';
import { resolveRoutingFit, type RoutingFit } from '../routing/tuning.js';
import type { Logger } from '../shared/logger.js';
import type { MetaStore } from '../store/meta-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';

/** What a router is built on besides the live store: the coverage test in force and the policy's fit. */
export interface RouterFit {
  readonly coverage: CoverageModel;
  /** Null: tuning is off or too few references carry records (the configured values stay). */
  readonly fit: RoutingFit | null;
}

/** The config sections a fit reads. */
export type FitConfig = Pick<Config, 'routing' | 'catalog'>;

export interface RouterFitDeps {
  readonly config: FitConfig;
  readonly references: SqliteReferenceStore;
  /** Where calibrations and fits are cached (and reused while what they depend on is unchanged). */
  readonly meta: MetaStore;
  readonly index: Pick<ReferenceIndex, 'search'>;
  /** fingerprintKey of the active embedder: a new embedder recalibrates and refits. */
  readonly embedderKey: string;
  readonly background?: BackgroundSet | undefined;
  readonly logger: Logger;
}

/**
 * Calibrates the coverage test (coverage/threshold.ts), then fits the policy by leave-one-out on
 * it (routing/tuning.ts); each is reused from meta while nothing it depends on changed. Cost grows
 * with the references (index searches, record reads): the server runs it in the fit worker
 * (fit-worker.ts) on one read snapshot; CLI commands and tests call it directly.
 * `refit`: fit the policy even when a fit for the same records is cached (seed, on demand).
 */
export function fitRouter(deps: RouterFitDeps, options: { refit?: boolean } = {}): RouterFit {
  const { routing, catalog } = deps.config;
  const coverage = resolveCoverageModel(
    { references: deps.references, meta: deps.meta, index: deps.index, embedderKey: deps.embedderKey, ...(deps.background ? { background: deps.background } : {}), logger: deps.logger },
    routing,
  );
  const fit = resolveRoutingFit({
    references: deps.references,
    index: deps.index,
    catalog,
    routing,
    coverage: coverageTestOf(coverage, routing),
    meta: deps.meta,
    embedderKey: deps.embedderKey,
    ...(options.refit ? { force: true } : {}),
  });
  return { coverage, fit };
}
