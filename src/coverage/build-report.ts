import { analyzeCoverage } from './analyze.js';
import { collectCoverageInput, type CoverageSources } from './collect.js';
import type { CoverageReport } from './report-schema.js';

/** What a report is built from: the stores plus the router settings in force. */
export interface CoverageReportDeps extends CoverageSources {
  readonly coverageThreshold: number;
  readonly similarityPower: number;
  readonly embedder: string;
  /** Catalog model ids, reported per intent. */
  readonly models: readonly string[];
}

export interface CoverageReportParams {
  readonly since: string | null;
  readonly until: string;
  readonly minCluster?: number;
  readonly clusterCutoff?: number;
  /** Cells with fewer similarity-weighted trials are sparse (default 4, the router's default prior strength). */
  readonly sparseTrials?: number;
  readonly map?: boolean;
  readonly decisionIds?: ReadonlySet<string>;
  readonly texts?: ReadonlyMap<string, string>;
}

/** Collect from the stores, then analyse: the one path behind `npm run coverage` and GET /v1/coverage. */
export function buildCoverageReport(deps: CoverageReportDeps, params: CoverageReportParams): CoverageReport {
  const input = collectCoverageInput(deps, {
    since: params.since,
    until: params.until,
    coverageThreshold: deps.coverageThreshold,
    similarityPower: deps.similarityPower,
    embedder: deps.embedder,
    models: deps.models,
    ...(params.decisionIds !== undefined ? { decisionIds: params.decisionIds } : {}),
    ...(params.texts !== undefined ? { texts: params.texts } : {}),
  });
  return analyzeCoverage(input, {
    generatedAt: params.until,
    map: params.map ?? false,
    ...(params.sparseTrials !== undefined ? { sparseTrials: params.sparseTrials } : {}),
    ...(params.minCluster !== undefined ? { minCluster: params.minCluster } : {}),
    ...(params.clusterCutoff !== undefined ? { clusterCutoff: params.clusterCutoff } : {}),
  });
}
