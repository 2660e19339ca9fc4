import { z } from 'zod';

const Outcome = z.union([
  z.strictObject({ success: z.boolean() }),
  z.strictObject({ score: z.number().finite().min(0).max(1) }),
  z.strictObject({ opponent: z.string().min(1).max(200), result: z.enum(['win', 'loss', 'tie']) }),
]);

export const OutcomeRequestSchema = z
  .strictObject({
    decisionId: z.string().min(1).max(100).optional(),
    /** Required without a decisionId; with one, it lets a prompt seen often become a reference. */
    prompt: z.string().min(1).max(200_000).optional(),
    model: z.string().min(1).max(200),
    outcome: Outcome,
    latencyMs: z.number().finite().nonnegative().optional(),
    costUsd: z.number().finite().nonnegative().optional(),
    source: z.string().min(1).max(50).optional(),
    /** Same key, same outcome: a retried submission is counted once. Also read from the Idempotency-Key header. */
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .refine((r) => r.decisionId !== undefined || r.prompt !== undefined, { message: 'give a decisionId or the prompt', path: ['decisionId'] })
  .refine((r) => !('opponent' in r.outcome) || r.outcome.opponent !== r.model, {
    message: 'a pairwise outcome compares two different models; the opponent is the model itself',
    path: ['outcome', 'opponent'],
  });
export type OutcomeRequest = z.infer<typeof OutcomeRequestSchema>;

export const OutcomeResponseSchema = z.object({
  outcomeId: z.number().int(),
  duplicate: z.boolean(),
  learnedInto: z.array(z.number().int()),
  promotedReferenceId: z.number().int().nullable(),
});

export const StoredOutcomeSchema = z.object({
  id: z.number().int(),
  model: z.string(),
  kind: z.enum(['success', 'score', 'pairwise']),
  value: z.number(),
  opponent: z.string().nullable(),
  latencyMs: z.number().nullable(),
  costUsd: z.number().nullable(),
  source: z.string().nullable(),
  createdAt: z.string(),
});

export const DecisionResponseSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  promptHash: z.string(),
  promptText: z.string().nullable(),
  model: z.string(),
  reason: z.string(),
  covered: z.boolean(),
  confidence: z.number(),
  topSimilarity: z.number().nullable(),
  intent: z.string().nullable(),
  fallbacks: z.array(z.string()),
  scores: z.unknown(),
  evidence: z.array(z.object({ id: z.number().int(), similarity: z.number(), text: z.string().nullable(), intent: z.string().nullable() })),
  outcomes: z.array(StoredOutcomeSchema),
});
