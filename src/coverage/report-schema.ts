import { z } from 'zod';

/*
 * The coverage report, as JSON. One schema for `npm run coverage -- --format json` and
 * `GET /v1/coverage`; the TypeScript types below are inferred from it, so the two cannot drift.
 */

const rate = z.number().min(0).max(1);
const similarity = z.number().min(-1).max(1);

export const RepresentativeSchema = z.object({
  decisionId: z.string(),
  promptHash: z.string(),
  /** null when the prompt text was not kept (log.keepText none, or past the retention window): only the hash is known. */
  text: z.string().nullable(),
  /** Cosine similarity to the cluster's centroid. */
  similarity,
  /** Members with this same prompt (representatives are distinct prompts). */
  count: z.number().int().positive(),
});

/** An uncovered prompt in no candidate intent (its group is smaller than minCluster), listed so it is seen. */
export const ScatteredPromptSchema = z.object({
  decisionId: z.string(),
  promptHash: z.string(),
  text: z.string().nullable(),
  /** Uncovered decisions with this same prompt. */
  count: z.number().int().positive(),
  /** Similarity to its nearest reference, and that reference's intent. */
  topSimilarity: similarity.nullable(),
  nearestIntent: z.string().nullable(),
});

export const CandidateIntentSchema = z.object({
  id: z.string(),
  /** Suggested from the cluster's most distinctive terms; null when no member's text was kept. */
  name: z.string().nullable(),
  terms: z.array(z.object({ term: z.string(), score: z.number() })),
  size: z.number().int().positive(),
  /** Of all decisions in the window. */
  share: rate,
  /** Of the uncovered decisions in the window. */
  uncoveredShare: rate,
  /** Mean cosine similarity of members to the centroid: how tight the cluster is. */
  cohesion: similarity,
  meanTopSimilarity: similarity.nullable(),
  representatives: z.array(RepresentativeSchema),
  /** The intent most members' nearest reference belongs to, with their mean top similarity. */
  nearestIntent: z.object({ intent: z.string(), similarity, agreement: rate }).nullable(),
});

export const ModelCellSchema = z.object({
  model: z.string(),
  /** Similarity-weighted trials per covered request of this intent (basis traffic) or raw trials of its references. */
  trials: z.number().min(0),
  winRate: rate.nullable(),
  /** Fewer trials than the configured minimum: the estimate is mostly prior. */
  sparse: z.boolean(),
});

export const IntentStatsSchema = z.object({
  intent: z.string(),
  references: z.number().int().min(0),
  traffic: z.number().int().min(0),
  share: rate,
  coveredRate: rate.nullable(),
  meanTopSimilarity: similarity.nullable(),
  /** 'traffic': per-request evidence the router weighed; 'references': no covered traffic, the references' own records. */
  basis: z.enum(['traffic', 'references']),
  models: z.array(ModelCellSchema),
  sparseModels: z.array(z.string()),
  /** Every record on this intent's references is from one model: nothing to compare it against. */
  oneSided: z.boolean(),
});

export const DriftPointSchema = z.object({
  /** Start of the bucket, YYYY-MM-DD (UTC; weeks start on Monday). */
  start: z.string(),
  decisions: z.number().int().min(0),
  covered: z.number().int().min(0),
  coveredRate: rate.nullable(),
});

export const MapPointSchema = z.object({
  x: z.number(),
  y: z.number(),
  kind: z.enum(['reference', 'uncovered']),
  /** The reference's intent, or the uncovered prompt's candidate id (null: scattered). */
  group: z.string().nullable(),
});

export const CoverageReportSchema = z.object({
  version: z.literal(1),
  generatedAt: z.string(),
  window: z.object({ since: z.string().nullable(), until: z.string() }),
  embedder: z.string().nullable(),
  coverageThreshold: similarity,
  /** Average-linkage cut-off: clusters whose members are on average at least this similar. */
  clusterCutoff: similarity,
  minCluster: z.number().int().positive(),
  /** A model cell with fewer similarity-weighted trials than this is sparse. */
  sparseTrials: z.number().min(0),
  totals: z.object({
    decisions: z.number().int().min(0),
    covered: z.number().int().min(0),
    uncovered: z.number().int().min(0),
    coveredRate: rate.nullable(),
    /** Uncovered decisions stored without a vector (cannot be clustered). */
    uncoveredWithoutVector: z.number().int().min(0),
    /** Uncovered decisions in a candidate intent. */
    clustered: z.number().int().min(0),
    /** Uncovered decisions in clusters smaller than minCluster. */
    scattered: z.number().int().min(0),
    /** How many uncovered prompts the clustering itself saw; the rest were assigned to the nearest cluster. */
    clusteredSample: z.number().int().min(0),
  }),
  candidates: z.array(CandidateIntentSchema),
  /** Scattered uncovered prompts, distinct, most repeated first, at most 50. */
  scattered: z.array(ScatteredPromptSchema),
  intents: z.array(IntentStatsSchema),
  drift: z.object({ bucket: z.enum(['day', 'week']), points: z.array(DriftPointSchema) }),
  /** A 2-D projection (PCA) of references and uncovered prompts; only when asked for (HTML). */
  map: z.object({ explained: z.array(z.number()), points: z.array(MapPointSchema) }).optional(),
});

export type CoverageReport = z.infer<typeof CoverageReportSchema>;
export type CandidateIntent = z.infer<typeof CandidateIntentSchema>;
export type IntentStats = z.infer<typeof IntentStatsSchema>;
export type ModelCell = z.infer<typeof ModelCellSchema>;
export type DriftPoint = z.infer<typeof DriftPointSchema>;
export type MapPoint = z.infer<typeof MapPointSchema>;
export type Representative = z.infer<typeof RepresentativeSchema>;
export type ScatteredPrompt = z.infer<typeof ScatteredPromptSchema>;
