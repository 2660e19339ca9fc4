import { z } from 'zod';
import { RoutingViewSchema } from '../proxy/chat-request.js';

/**
 * POST /v1/chat/completions: OpenAI's chat completion request. Only what routing reads is checked
 * (RoutingViewSchema); every other field, message key and content part is forwarded untouched.
 */
export const ChatCompletionRequestSchema = RoutingViewSchema.describe(
  "OpenAI's chat completion request. semroute checks model and messages, and forwards every field unchanged except model.",
);

/** OpenAI's error shape, used by /v1/chat/completions and /v1/models. */
export const OpenAiErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      code: z.string().nullable(),
      param: z.string().nullable(),
    }),
  })
  .describe("OpenAI's error shape (the OpenAI SDKs show `message`)");

const Observed = z
  .object({
    trials: z.number().describe('Quality outcomes reported for the model (answer checks and feedback)'),
    successRate: z.number().nullable().describe('Mean outcome value, in [0, 1]'),
    meanLatencyMs: z.number().nullable(),
    meanCostUsd: z.number().nullable(),
  })
  .describe('What quality outcomes have shown of the model so far');

const UpstreamStats = z
  .object({
    attempts: z.number().describe('Upstream calls in the attempt log (client cancellations excluded)'),
    okRate: z.number().nullable().describe('Share of calls that answered'),
    meanLatencyMs: z.number().nullable().describe('Mean time to an answer (non-streamed) or to the end of a stream, ms'),
    meanCostUsd: z.number().nullable(),
  })
  .describe("The front door's log of calls to the model's upstream");

const SemrouteStrategy = z.object({
  kind: z.literal('strategy'),
  description: z.string(),
  costWeight: z.number().nullable().describe('Weight of price against quality; null = the configured routing.costWeight'),
});

const SemrouteCatalogModel = z.object({
  kind: z.literal('catalog'),
  provider: z.string(),
  inputPricePer1M: z.number(),
  outputPricePer1M: z.number(),
  contextWindow: z.number(),
  tags: z.array(z.string()),
  /** False when the model has no upstream: the front door cannot call it. */
  callable: z.boolean(),
  observed: Observed,
  upstream: UpstreamStats,
});

export const ModelEntrySchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int().describe('Unix seconds; the time this semroute process started'),
  owned_by: z.string(),
  semroute: z.discriminatedUnion('kind', [SemrouteStrategy, SemrouteCatalogModel]).describe("semroute's own fields"),
});

/** GET /v1/models in OpenAI's shape; semroute's extras sit under each entry's `semroute` key. */
export const ModelsResponseSchema = z.object({ object: z.literal('list'), data: z.array(ModelEntrySchema) });
export type ModelsResponse = z.infer<typeof ModelsResponseSchema>;
