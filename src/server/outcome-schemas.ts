import { z } from 'zod';
import { IgnoredPinSchema, RoutedOnSchema, WinRecordOutSchema } from './schemas.js';

/* Every field carries `.meta({ description, example })`: /openapi.json is generated from it. */

const Outcome = z
  .union([
    z
      .strictObject({ success: z.boolean().meta({ description: 'Did the answer do the job?', example: true }) })
      .meta({ description: 'A pass/fail outcome.' }),
    z
      .strictObject({ score: z.number().finite().min(0).max(1).meta({ description: 'A graded outcome from 0 (bad) to 1 (perfect).', example: 0.8 }) })
      .meta({ description: 'A graded outcome.' }),
    z
      .strictObject({
        opponent: z.string().min(1).max(200).meta({ description: 'The catalog model it was compared against.', example: 'claude-haiku-4-5' }),
        result: z.enum(['win', 'loss', 'tie']).meta({ description: 'The result for `model` against `opponent`.', example: 'win' }),
      })
      .meta({ description: 'A pairwise comparison against another model.' }),
  ])
  .meta({ description: 'How the model did: pass/fail, a score, or a pairwise result.', example: { success: true } });

export const OutcomeRequestSchema = z
  .strictObject({
    decisionId: z.string().min(1).max(100).optional().meta({ description: 'The decision this outcome is about (from POST /v1/route or the x-semroute-decision-id header).', example: 'd_01JD8Z6Q4V3K9N2M7T5R8X1Y0B' }),
    prompt: z
      .string()
      .min(1)
      .max(200_000)
      .optional()
      .meta({ description: 'Required without a decisionId; with one, it lets a prompt seen often become a reference.', example: 'Refactor this Python function to use a generator.' }),
    model: z.string().min(1).max(200).meta({ description: 'The catalog model that answered.', example: 'gpt-5-mini' }),
    outcome: Outcome,
    latencyMs: z.number().finite().nonnegative().optional().meta({ description: 'Time the model took to answer, ms.', example: 1840 }),
    costUsd: z.number().finite().nonnegative().optional().meta({ description: 'What the call cost, USD.', example: 0.0021 }),
    source: z.string().min(1).max(50).optional().meta({ description: 'Who judged it (a user thumbs-up, an eval, a grader model).', example: 'thumbs' }),
    idempotencyKey: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Same key, same outcome: a retried submission is counted once. Also read from the Idempotency-Key header.', example: 'outcome-7f3a9c' }),
  })
  .refine((r) => r.decisionId !== undefined || r.prompt !== undefined, { message: 'give a decisionId or the prompt', path: ['decisionId'] })
  .refine((r) => !('opponent' in r.outcome) || r.outcome.opponent !== r.model, {
    message: 'a pairwise outcome compares two different models; the opponent is the model itself',
    path: ['outcome', 'opponent'],
  })
  .meta({ description: 'An outcome of one model answer; it updates the win records of the nearest references.' });
export type OutcomeRequest = z.infer<typeof OutcomeRequestSchema>;

export const OutcomeResponseSchema = z
  .object({
    outcomeId: z.number().int().meta({ description: 'Id of the stored outcome (the original’s, for a duplicate).', example: 311 }),
    duplicate: z.boolean().meta({ description: 'True when the idempotency key was seen before: nothing new was counted.', example: false }),
    learnedInto: z.array(z.number().int()).meta({ description: 'Reference ids whose records this outcome updated.', example: [42, 57] }),
    promotedReferenceId: z.number().int().nullable().meta({ description: 'A reference created from this prompt, if it was promoted.', example: null }),
  })
  .meta({ description: 'What happened to the outcome.' });

export const StoredOutcomeSchema = z
  .object({
    id: z.number().int().meta({ description: 'Outcome id.', example: 311 }),
    model: z.string().meta({ description: 'The model that answered.', example: 'gpt-5-mini' }),
    kind: z.enum(['success', 'score', 'pairwise']).meta({ description: 'Outcome kind.', example: 'success' }),
    value: z.number().meta({ description: '1/0 for success, the score, or 1/0.5/0 for win/tie/loss.', example: 1 }),
    opponent: z.string().nullable().meta({ description: 'The opponent of a pairwise outcome.', example: null }),
    latencyMs: z.number().nullable().meta({ description: 'Reported latency, ms.', example: 1840 }),
    costUsd: z.number().nullable().meta({ description: 'Reported cost, USD.', example: 0.0021 }),
    source: z.string().nullable().meta({ description: 'Who judged it.', example: 'thumbs' }),
    createdAt: z.string().meta({ description: 'When it was stored (ISO 8601).', example: '2025-10-01T12:00:00.000Z' }),
  })
  .meta({ description: 'A stored outcome.' });

const ConstraintsSchema = z
  .object({
    models: z.array(z.string()).nullable().meta({ description: 'The allow-list, if any.', example: ['gpt-5-mini'] }),
    maxPricePer1M: z.number().nullable().meta({ description: 'The price ceiling, if any.', example: 5 }),
    costWeight: z.number().nullable().meta({ description: "The request's cost weight, if any.", example: 0.25 }),
  })
  .meta({ description: "A request's constraints." });

/** What routing/decision-details.ts stores with each decision (decisions.details); parsed on the way out. */
export const DecisionDetailsSchema = z.object({
  rule: z.string().nullable(),
  rulesMatched: z.array(z.string()),
  ruleIgnored: IgnoredPinSchema.nullable(),
  excluded: z.array(z.object({ model: z.string(), why: z.string() })),
  coverageThreshold: z.number(),
  costWeight: z.number(),
  constraints: ConstraintsSchema,
  tier: z.string().nullable(),
  tags: z.array(z.string()),
  k: z.number().int(),
  // JSON has no Infinity: a stored gapThreshold of ∞ (always the ranking) reads back as null.
  params: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  neighbours: z.array(z.object({ id: z.number().int(), similarity: z.number(), intent: z.string().nullable(), records: z.record(z.string(), WinRecordOutSchema) })),
  explanation: z.string(),
});

export const DecisionResponseSchema = z
  .object({
    id: z.string().meta({ description: 'Decision id.', example: 'd_01JD8Z6Q4V3K9N2M7T5R8X1Y0B' }),
    createdAt: z.string().meta({ description: 'When the decision was made (ISO 8601).', example: '2025-10-01T12:00:00.000Z' }),
    promptHash: z.string().meta({ description: 'SHA-256 prefix of the prompt.', example: '9f2c1a7b3e4d5f60' }),
    promptText: z.string().nullable().meta({ description: 'The prompt, only when log.includePrompts is on.', example: null }),
    model: z.string().meta({ description: 'The chosen model.', example: 'gpt-5-mini' }),
    reason: z.string().meta({ description: 'Why it was chosen (see RouteResponse.reason).', example: 'covered' }),
    covered: z.boolean().meta({ description: 'Whether a reference was similar enough.', example: true }),
    confidence: z.number().meta({ description: 'Confidence at decision time (0–1).', example: 0.64 }),
    topSimilarity: z.number().nullable().meta({ description: 'Similarity of the nearest reference.', example: 0.83 }),
    intent: z.string().nullable().meta({ description: 'The intent of a covered decision; null when uncovered.', example: 'coding' }),
    nearestIntent: z.string().nullable().meta({ description: 'The intent the nearest references voted for, covered or not.', example: 'coding' }),
    fallbacks: z.array(z.string()).meta({ description: 'Next-best models at decision time.', example: ['claude-haiku-4-5'] }),
    routedOn: RoutedOnSchema.nullable().meta({ description: 'Which text it was routed on and what session affinity did (see RouteResponse.routedOn); null for decisions stored before this was kept.' }),
    embeddedChars: z
      .number()
      .int()
      .nullable()
      .meta({ description: "Characters the embedder read when its input budget cut the text routed on (of routedOn.chars; see RouteResponse.inputTruncated); null when nothing was cut.", example: null }),
    scores: z.unknown().meta({ description: 'The model scores at decision time (see RouteResponse.scores).', example: [{ model: 'gpt-5-mini', quality: 0.71, utility: 0.68 }] }),
    evidence: z
      .array(
        z.object({
          id: z.number().int().meta({ description: 'Reference id.', example: 42 }),
          similarity: z.number().meta({ description: 'Its similarity to the prompt.', example: 0.83 }),
          text: z.string().nullable().meta({ description: 'Its text (null if since deleted).', example: 'Write a SQL query that finds duplicate emails.' }),
          intent: z.string().nullable().meta({ description: 'Its intent at decision time.', example: 'coding' }),
          records: z
            .record(z.string(), WinRecordOutSchema)
            .nullable()
            .meta({ description: 'Its records at decision time (null for decisions stored before these were kept).', example: { 'gpt-5-mini': { wins: 7, losses: 2, ties: 1 } } }),
        }),
      )
      .meta({ description: 'The neighbours the decision was based on.' }),
    outcomes: z.array(StoredOutcomeSchema).meta({ description: 'Outcomes reported for this decision so far.' }),
    explanation: z.string().nullable().meta({
      description: 'One sentence on why this model (null for decisions stored before explanations were kept).',
      example: 'deepseek-chat: quality 0.62 vs claude-sonnet-4-5 0.73 at 1/14 of the price (costWeight 0.25)',
    }),
    rule: z.string().nullable().meta({ description: 'The first routing rule that matched.', example: 'contracts-to-the-best' }),
    rulesMatched: z.array(z.string()).nullable().meta({ description: 'Every rule that matched, in config order.', example: ['contracts-to-the-best', 'free-tier'] }),
    ruleIgnored: IgnoredPinSchema.nullable().meta({ description: "A matching rule's pin that could not be used, and why." }),
    excluded: z
      .array(
        z.object({
          model: z.string().meta({ description: 'Catalog model id.', example: 'claude-sonnet-4-5' }),
          why: z.string().meta({ description: 'Why it was not eligible.', example: 'excluded_by_rule' }),
        }),
      )
      .nullable()
      .meta({ description: 'Models that were not eligible, and why.' }),
    coverageThreshold: z.number().nullable().meta({ description: 'The coverage threshold in force.', example: 0.42 }),
    costWeight: z.number().nullable().meta({ description: 'The cost weight in force (a rule’s, else the request’s, else the config’s).', example: 0.25 }),
    constraints: ConstraintsSchema.nullable().meta({ description: "The request's constraints." }),
    tier: z.string().nullable().meta({ description: "The request's tier.", example: 'free' }),
    tags: z.array(z.string()).nullable().meta({ description: "The request's tags.", example: ['support'] }),
    k: z.number().int().nullable().meta({ description: 'Neighbours consulted.', example: 10 }),
    params: z
      .record(z.string(), z.union([z.number(), z.string(), z.null()]))
      .nullable()
      .meta({ description: 'The policy parameters used (gapThreshold null: ∞, always the ranking’s choice).', example: { priorStrength: 4, similarityPower: 4 } }),
  })
  .meta({ description: 'A stored decision with its evidence and outcomes.' });
