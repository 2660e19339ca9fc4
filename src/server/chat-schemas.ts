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
    error: z
      .object({
        message: z.string().meta({ description: 'A sentence saying what went wrong.', example: 'request body is invalid: messages: expected array' }),
        type: z.string().meta({ description: 'Error class, as OpenAI names them.', example: 'invalid_request_error' }),
        code: z.string().nullable().meta({ description: 'Machine-readable code.', example: 'invalid_request' }),
        param: z.string().nullable().meta({ description: 'The request field at fault, if any.', example: 'messages' }),
      })
      .meta({ description: 'The error.' }),
  })
  .describe("OpenAI's error shape (the OpenAI SDKs show `message`)");

const Observed = z
  .object({
    trials: z.number().meta({ description: 'Quality outcomes reported for the model (answer checks and feedback)', example: 120 }),
    successRate: z.number().nullable().meta({ description: 'Mean outcome value, in [0, 1]', example: 0.82 }),
    meanLatencyMs: z.number().nullable().meta({ description: 'Mean reported latency, ms', example: 1650 }),
    meanCostUsd: z.number().nullable().meta({ description: 'Mean reported cost, USD', example: 0.0018 }),
  })
  .describe('What quality outcomes have shown of the model so far');

const UpstreamStats = z
  .object({
    attempts: z.number().meta({ description: 'Upstream calls in the attempt log (client cancellations excluded)', example: 340 }),
    okRate: z.number().nullable().meta({ description: 'Share of calls that answered', example: 0.99 }),
    meanLatencyMs: z.number().nullable().meta({ description: 'Mean time to an answer (non-streamed) or to the end of a stream, ms', example: 1420 }),
    meanCostUsd: z.number().nullable().meta({ description: 'Mean cost per call, USD', example: 0.0021 }),
  })
  .describe("The front door's log of calls to the model's upstream");

const SemrouteStrategy = z.object({
  kind: z.literal('strategy').meta({ description: 'A routing strategy (use its id as `model`)', example: 'strategy' }),
  description: z.string().meta({ description: 'What the strategy favours', example: 'Cheapest model whose estimated quality is close to the best' }),
  costWeight: z.number().nullable().meta({ description: 'Weight of price against quality; null = the configured one (routing.target calibrated, else routing.costWeight)', example: 0.5 }),
});

const SemrouteCatalogModel = z.object({
  kind: z.literal('catalog').meta({ description: 'A catalog model', example: 'catalog' }),
  provider: z.string().meta({ description: 'Who serves it', example: 'openai' }),
  inputPricePer1M: z.number().meta({ description: 'List price of input tokens, USD per 1M', example: 0.25 }),
  outputPricePer1M: z.number().meta({ description: 'List price of output tokens, USD per 1M', example: 2 }),
  contextWindow: z.number().meta({ description: 'Context window, tokens', example: 400000 }),
  tags: z.array(z.string()).meta({ description: 'Free-form tags (tier, strengths)', example: ['budget', 'general'] }),
  /** False when the model has no upstream: the front door cannot call it. */
  callable: z.boolean().meta({ description: 'False when the model has no upstream: the front door cannot call it', example: true }),
  observed: Observed,
  upstream: UpstreamStats,
});

export const ModelEntrySchema = z.object({
  id: z.string().meta({ description: 'Model id to send as `model`: a strategy (`router`, `router:cheap`…) or a catalog model', example: 'router:balanced' }),
  object: z.literal('model').meta({ description: 'Always `model`', example: 'model' }),
  created: z.number().int().meta({ description: 'Unix seconds; the time this semroute process started', example: 1759320000 }),
  owned_by: z.string().meta({ description: 'semroute for strategies, the provider for catalog models', example: 'semroute' }),
  semroute: z.discriminatedUnion('kind', [SemrouteStrategy, SemrouteCatalogModel]).describe("semroute's own fields"),
});

/** GET /v1/models in OpenAI's shape; semroute's extras sit under each entry's `semroute` key. */
export const ModelsResponseSchema = z.object({
  object: z.literal('list').meta({ description: 'Always `list`', example: 'list' }),
  data: z.array(ModelEntrySchema).meta({ description: 'Strategies first, then the catalog' }),
});
export type ModelsResponse = z.infer<typeof ModelsResponseSchema>;

/** What the upstream answered (OpenAI's format), relayed as is; the fields named are the ones clients read. */
export const ChatCompletionResponseSchema = z
  .looseObject({
    id: z.string().meta({ description: "The upstream's completion id", example: 'chatcmpl-abc123' }),
    object: z.string().meta({ description: '`chat.completion`', example: 'chat.completion' }),
    created: z.number().int().meta({ description: 'Unix seconds', example: 1759320000 }),
    model: z.string().meta({ description: 'The upstream model that answered', example: 'gpt-5-mini' }),
    choices: z
      .array(
        z.looseObject({
          index: z.number().int().meta({ description: 'Choice index', example: 0 }),
          message: z.looseObject({}).meta({ description: 'The assistant message (role, content, tool_calls…)', example: { role: 'assistant', content: 'Packets find their way' } }),
          finish_reason: z.string().nullable().meta({ description: 'Why generation stopped', example: 'stop' }),
        }),
      )
      .meta({ description: 'The answers' }),
    usage: z
      .looseObject({})
      .optional()
      .meta({ description: 'Token counts reported by the upstream', example: { prompt_tokens: 12, completion_tokens: 17, total_tokens: 29 } }),
  })
  .describe("An OpenAI chat completion, as the upstream sent it (text/event-stream chunks when streaming)");
