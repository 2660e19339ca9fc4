import { z } from 'zod';

/*
 * The coverage report, as JSON. One schema for `npm run coverage -- --format json` and
 * `GET /v1/coverage`; the TypeScript types below are inferred from it, so the two cannot drift.
 */

const rate = z.number().min(0).max(1);
const similarity = z.number().min(-1).max(1);

export const RepresentativeSchema = z
  .object({
    decisionId: z.string().meta({ description: 'The decision this prompt came from.', example: 'd_01JD8Z6Q4V3K9N2M7T5R8X1Y0B' }),
    promptHash: z.string().meta({ description: 'SHA-256 prefix of the prompt.', example: '9f2c1a7b3e4d5f60' }),
    /** null when the prompt text was not kept (log.keepText none, or past the retention window): only the hash is known. */
    text: z.string().nullable().meta({ description: 'The prompt (PII redacted), or null when its text was not kept (log.keepText, retention).', example: 'How do I reset my router password?' }),
    /** Cosine similarity to the cluster's centroid. */
    similarity: similarity.meta({ description: 'Cosine similarity to the cluster centroid.', example: 0.81 }),
    /** Members with this same prompt (representatives are distinct prompts). */
    count: z.number().int().positive().meta({ description: 'Members with this same prompt (representatives are distinct prompts).', example: 3 }),
  })
  .meta({ description: 'A prompt typical of its cluster.' });

/** An uncovered prompt in no candidate intent (its group is smaller than minCluster), listed so it is seen. */
export const ScatteredPromptSchema = z
  .object({
    decisionId: z.string().meta({ description: 'The latest decision with this prompt.', example: 'd_01JD8Z6Q4V3K9N2M7T5R8X1Y0B' }),
    promptHash: z.string().meta({ description: 'SHA-256 prefix of the prompt.', example: '9f2c1a7b3e4d5f60' }),
    text: z.string().nullable().meta({ description: 'The prompt (PII redacted), or null when its text was not kept.', example: 'Convert this CSV to YAML' }),
    /** Uncovered decisions with this same prompt. */
    count: z.number().int().positive().meta({ description: 'Uncovered decisions with this same prompt.', example: 2 }),
    /** Similarity to its nearest reference, and that reference's intent. */
    topSimilarity: similarity.nullable().meta({ description: 'Similarity to its nearest reference.', example: 0.38 }),
    nearestIntent: z.string().nullable().meta({ description: "That reference's intent.", example: 'coding' }),
  })
  .meta({ description: 'An uncovered prompt in no candidate intent (its group is smaller than minCluster).' });

/** A prompt in a language the embedder does not read (reason `language`): listed as its own group, never clustered. */
export const OtherLanguagePromptSchema = z
  .object({
    decisionId: z.string().meta({ description: 'The latest decision with this prompt.', example: 'd_01JD8Z6Q4V3K9N2M7T5R8X1Y0B' }),
    promptHash: z.string().meta({ description: 'SHA-256 prefix of the prompt.', example: '9f2c1a7b3e4d5f60' }),
    text: z.string().nullable().meta({ description: 'The prompt (PII redacted), or null when its text was not kept.', example: 'Comment réinitialiser mon mot de passe ?' }),
    count: z.number().int().positive().meta({ description: 'Decisions with this same prompt.', example: 2 }),
    /** As the router detected it when routing (ISO 639-1, `und` undetermined); null for decisions stored before it was recorded. */
    language: z.string().nullable().meta({ description: 'The language the router detected (ISO 639-1, `und` when undetermined); null for decisions stored before it was recorded.', example: 'fr' }),
  })
  .meta({ description: "An uncovered prompt in a language outside the embedder's (reason `language`)." });

export const CandidateIntentSchema = z
  .object({
    id: z.string().meta({ description: 'Candidate id, stable within one report.', example: 'c1' }),
    /** Suggested from the cluster's most distinctive terms; null when no member's text was kept. */
    name: z.string().nullable().meta({ description: "Suggested from the cluster's most distinctive terms; null when no text was kept.", example: 'router-password' }),
    terms: z
      .array(
        z.object({
          term: z.string().meta({ description: 'A distinctive term.', example: 'password' }),
          score: z.number().meta({ description: 'How distinctive (TF-IDF-like weight).', example: 0.42 }),
        }),
      )
      .meta({ description: "The cluster's most distinctive terms." }),
    size: z.number().int().positive().meta({ description: 'Uncovered decisions in the cluster.', example: 37 }),
    /** Of all decisions in the window. */
    share: rate.meta({ description: 'Share of all decisions in the window.', example: 0.04 }),
    /** Of the uncovered decisions in the window. */
    uncoveredShare: rate.meta({ description: 'Share of the uncovered decisions in the window.', example: 0.21 }),
    /** Mean cosine similarity of members to the centroid: how tight the cluster is. */
    cohesion: similarity.meta({ description: 'Mean similarity of members to the centroid: how tight the cluster is.', example: 0.72 }),
    meanTopSimilarity: similarity.nullable().meta({ description: "Members' mean similarity to their nearest reference.", example: 0.41 }),
    representatives: z.array(RepresentativeSchema).meta({ description: 'Prompts typical of the cluster.' }),
    /** The intent most members' nearest reference belongs to, with their mean top similarity. */
    nearestIntent: z
      .object({
        intent: z.string().meta({ description: "The intent most members' nearest reference belongs to.", example: 'support' }),
        similarity: similarity.meta({ description: 'Their mean top similarity.', example: 0.44 }),
        agreement: rate.meta({ description: 'Share of members whose nearest reference has this intent.', example: 0.8 }),
      })
      .nullable()
      .meta({ description: 'The nearest existing intent, or null.' }),
  })
  .meta({ description: 'A cluster of uncovered prompts: a candidate for a new intent.' });

export const ModelCellSchema = z
  .object({
    model: z.string().meta({ description: 'Catalog model id.', example: 'gpt-5-mini' }),
    /** Similarity-weighted trials per covered request of this intent (basis traffic) or raw trials of its references. */
    trials: z.number().min(0).meta({ description: 'Similarity-weighted trials per covered request (basis traffic), or raw trials of the references.', example: 14.2 }),
    winRate: rate.nullable().meta({ description: 'Win rate on this intent (null: no trials).', example: 0.63 }),
    /** Fewer trials than the configured minimum: the estimate is mostly prior. */
    sparse: z.boolean().meta({ description: 'Fewer trials than sparseTrials: the estimate is mostly prior.', example: false }),
  })
  .meta({ description: 'One model on one intent.' });

export const IntentStatsSchema = z
  .object({
    intent: z.string().meta({ description: 'Intent label.', example: 'coding' }),
    references: z.number().int().min(0).meta({ description: 'Reference prompts with this intent.', example: 300 }),
    traffic: z.number().int().min(0).meta({ description: 'Decisions in the window whose nearest reference has this intent.', example: 812 }),
    share: rate.meta({ description: 'Share of all decisions in the window.', example: 0.31 }),
    coveredRate: rate.nullable().meta({ description: 'Share of that traffic that was covered.', example: 0.9 }),
    meanTopSimilarity: similarity.nullable().meta({ description: 'Mean similarity to the nearest reference.', example: 0.71 }),
    /** 'traffic': per-request evidence the router weighed; 'references': no covered traffic, the references' own records. */
    basis: z.enum(['traffic', 'references']).meta({ description: "'traffic': evidence the router weighed per request; 'references': no covered traffic, the references' own records.", example: 'traffic' }),
    models: z.array(ModelCellSchema).meta({ description: 'Per-model evidence on this intent.' }),
    sparseModels: z.array(z.string()).meta({ description: 'Models with sparse evidence here.', example: ['llama-3.1-8b-instant'] }),
    /** Every record on this intent's references is from one model: nothing to compare it against. */
    oneSided: z.boolean().meta({ description: "Every record on this intent's references is from one model: nothing to compare.", example: false }),
  })
  .meta({ description: 'Coverage and evidence for one intent.' });

export const DriftPointSchema = z
  .object({
    /** Start of the bucket, YYYY-MM-DD (UTC; weeks start on Monday). */
    start: z.string().meta({ description: 'Start of the bucket, YYYY-MM-DD (UTC; weeks start on Monday).', example: '2025-09-29' }),
    decisions: z.number().int().min(0).meta({ description: 'Decisions in the bucket.', example: 420 }),
    covered: z.number().int().min(0).meta({ description: 'Covered decisions in the bucket.', example: 371 }),
    coveredRate: rate.nullable().meta({ description: 'covered / decisions (null: no decisions).', example: 0.88 }),
  })
  .meta({ description: 'Coverage in one day or week.' });

export const MapPointSchema = z
  .object({
    x: z.number().meta({ description: 'First principal component.', example: 0.12 }),
    y: z.number().meta({ description: 'Second principal component.', example: -0.34 }),
    kind: z.enum(['reference', 'uncovered']).meta({ description: 'A reference prompt or an uncovered prompt.', example: 'uncovered' }),
    /** The reference's intent, or the uncovered prompt's candidate id (null: scattered). */
    group: z.string().nullable().meta({ description: "The reference's intent, or the uncovered prompt's candidate id (null: scattered).", example: 'c1' }),
  })
  .meta({ description: 'One point of the 2-D map.' });

const count = (description: string, example: number) => z.number().int().min(0).meta({ description, example });

export const CoverageReportSchema = z
  .object({
    version: z.literal(1).meta({ description: 'Report format version.', example: 1 }),
    generatedAt: z.string().meta({ description: 'When the report was made (ISO 8601).', example: '2025-10-01T12:00:00.000Z' }),
    window: z
      .object({
        since: z.string().nullable().meta({ description: 'Start of the window (ISO 8601), or null for all time.', example: '2025-09-01T12:00:00.000Z' }),
        until: z.string().meta({ description: 'End of the window (ISO 8601).', example: '2025-10-01T12:00:00.000Z' }),
      })
      .meta({ description: 'The decisions read.' }),
    embedder: z.string().nullable().meta({ description: 'The embedder whose vectors were clustered.', example: 'transformers:Xenova/all-MiniLM-L6-v2:384:mean' }),
    coverageThreshold: similarity.meta({ description: 'The similarity below which a prompt counts as uncovered.', example: 0.55 }),
    /** Average-linkage cut-off: clusters whose members are on average at least this similar. */
    clusterCutoff: similarity.meta({ description: 'Average-linkage cut-off: clusters whose members are on average at least this similar.', example: 0.6 }),
    minCluster: z.number().int().positive().meta({ description: 'Smallest cluster reported as a candidate.', example: 5 }),
    /** A model cell with fewer similarity-weighted trials than this is sparse. */
    sparseTrials: z.number().min(0).meta({ description: 'A model cell with fewer similarity-weighted trials than this is sparse.', example: 5 }),
    totals: z
      .object({
        decisions: count('Decisions in the window.', 2400),
        covered: count('Covered decisions.', 2110),
        uncovered: count('Uncovered decisions.', 290),
        coveredRate: rate.nullable().meta({ description: 'covered / decisions (null: no decisions).', example: 0.88 }),
        /** Uncovered decisions stored without a vector (cannot be clustered). */
        uncoveredWithoutVector: count('Uncovered decisions stored without a vector (cannot be clustered).', 0),
        /** Uncovered decisions in a candidate intent. */
        clustered: count('Uncovered decisions in a candidate intent.', 180),
        /** Uncovered decisions in clusters smaller than minCluster. */
        scattered: count('Uncovered decisions in clusters smaller than minCluster.', 110),
        /** How many uncovered prompts the clustering itself saw; the rest were assigned to the nearest cluster. */
        clusteredSample: count('Uncovered prompts the clustering itself saw; the rest were assigned to the nearest cluster.', 290),
        noText: count('Decisions with no text to route on (image-only, system-only; reason `empty`): not clustered.', 2).optional(),
        otherLanguage: count("Decisions in a language outside the embedder's (reason `language`): their own group, not clustered.", 5).optional(),
      })
      .meta({ description: 'Counts over the window.' }),
    candidates: z.array(CandidateIntentSchema).meta({ description: 'Candidate intents, largest first.' }),
    /** Scattered uncovered prompts, distinct, most repeated first, at most 50. */
    scattered: z.array(ScatteredPromptSchema).meta({ description: 'Scattered uncovered prompts, distinct, most repeated first, at most 50.' }),
    /** Prompts in a language outside the embedder's, distinct, most repeated first, at most 50; absent in reports from before it existed. */
    otherLanguage: z
      .array(OtherLanguagePromptSchema)
      .optional()
      .meta({ description: "Prompts in a language outside the embedder's (reason `language`), distinct, most repeated first, at most 50." }),
    intents: z.array(IntentStatsSchema).meta({ description: 'Per-intent coverage and evidence.' }),
    drift: z
      .object({
        bucket: z.enum(['day', 'week']).meta({ description: 'Bucket width.', example: 'day' }),
        points: z.array(DriftPointSchema).meta({ description: 'Coverage per bucket, oldest first.' }),
      })
      .meta({ description: 'Coverage over time.' }),
    /** A 2-D projection (PCA) of references and uncovered prompts; only when asked for (HTML). */
    map: z
      .object({
        explained: z.array(z.number()).meta({ description: 'Variance explained by each axis.', example: [0.18, 0.09] }),
        points: z.array(MapPointSchema).meta({ description: 'The projected prompts.' }),
      })
      .optional()
      .meta({ description: 'A 2-D projection (PCA) of references and uncovered prompts; only in the HTML report.' }),
  })
  .meta({ description: 'The coverage report: uncovered traffic as candidate intents, per-intent evidence, drift.' });

export type CoverageReport = z.infer<typeof CoverageReportSchema>;
export type CandidateIntent = z.infer<typeof CandidateIntentSchema>;
export type IntentStats = z.infer<typeof IntentStatsSchema>;
export type ModelCell = z.infer<typeof ModelCellSchema>;
export type DriftPoint = z.infer<typeof DriftPointSchema>;
export type MapPoint = z.infer<typeof MapPointSchema>;
export type Representative = z.infer<typeof RepresentativeSchema>;
export type ScatteredPrompt = z.infer<typeof ScatteredPromptSchema>;
export type OtherLanguagePrompt = z.infer<typeof OtherLanguagePromptSchema>;
