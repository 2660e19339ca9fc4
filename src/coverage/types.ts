import type { WinRecord } from '../store/types.js';

/** One stored routing decision, as the analysis needs it. */
export interface TrafficItem {
  readonly id: string;
  readonly createdAt: string;
  readonly promptHash: string;
  /** null when the text was not kept (the default); only the hash is known then. */
  readonly text: string | null;
  readonly covered: boolean;
  readonly topSimilarity: number | null;
  /** The router's similarity-weighted vote over the neighbours' intents. */
  readonly intent: string | null;
  readonly neighborIds: readonly number[];
  readonly neighborSimilarities: readonly number[];
  readonly vector: Float32Array | null;
  /** The decision's reason; `empty` (no text to route on) and `language` are kept out of the clustering. */
  readonly reason?: string;
  /** With reason `language`: the language the router detected (null: not recorded). */
  readonly language?: string | null;
}

export interface ReferenceItem {
  readonly id: number;
  readonly text: string;
  readonly intent: string | null;
  readonly vector: Float32Array | null;
  readonly records: ReadonlyMap<string, WinRecord>;
}

/** Everything the analysis reads; collected from the stores by `collectCoverageInput`. */
export interface CoverageInput {
  readonly decisions: readonly TrafficItem[];
  readonly references: readonly ReferenceItem[];
  /** The threshold in force when the report is made (decisions carry their own `covered`). */
  readonly coverageThreshold: number;
  /** Neighbour weight = max(0, similarity)^power, as the policy weighs evidence. */
  readonly similarityPower: number;
  /** Models to report per intent (the catalog); defaults to every model with a record. */
  readonly models?: readonly string[];
  readonly embedder: string | null;
  readonly window: { readonly since: string | null; readonly until: string };
}

export interface CoverageOptions {
  /** Smallest cluster reported as a candidate intent. */
  readonly minCluster: number;
  /** Average-linkage cosine cut-off, or 'auto' (fitted to how tight the known intents are). */
  readonly clusterCutoff: 'auto' | number;
  /** With 'auto': the percentile, over known intents, of their mean within-intent similarity. */
  readonly cutoffPercentile: number;
  /**
   * Two groups of at least minCluster stay apart when their mean similarity to each other is below
   * this × the looser group's internal mean similarity (0 = off). See cluster.ts `separation`.
   */
  readonly separationRatio: number;
  /** A (intent, model) cell with fewer similarity-weighted trials than this is flagged sparse. */
  readonly sparseTrials: number;
  readonly representatives: number;
  /** At most this many uncovered prompts are clustered; the rest join their nearest cluster. */
  readonly maxClusterPoints: number;
  readonly bucket: 'auto' | 'day' | 'week';
  /** Add the 2-D projection (for the HTML page). */
  readonly map: boolean;
  readonly generatedAt: string;
}

export const DEFAULT_COVERAGE_OPTIONS: Omit<CoverageOptions, 'generatedAt'> = {
  minCluster: 3,
  clusterCutoff: 'auto',
  // Chosen on CLINC150's validation split (scripts/coverage-experiment.ts --split val --tune): p10 gave
  // the most unknown intents a cluster of their own while purity stayed near 0.9; p25 was purer but split them.
  cutoffPercentile: 10,
  // Measured on test/fixtures/coverage/topic-pairs.jsonl: unrelated everyday topics sit at 0.33–0.71 of
  // their looser side's internal similarity with use-lite (orchids vs aquarium fish the highest), at
  // most 0.48 with lexical; halves of one topic sit near 1.
  separationRatio: 0.8,
  sparseTrials: 4,
  representatives: 3,
  maxClusterPoints: 3000,
  bucket: 'auto',
  map: false,
};
