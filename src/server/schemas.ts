import { z } from 'zod';

const MAX_PROMPT_CHARS = 200_000;

const ContentPart = z.object({ type: z.string(), text: z.string().max(MAX_PROMPT_CHARS).optional() });
export const ChatMessage = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string().max(MAX_PROMPT_CHARS), z.array(ContentPart).max(100), z.null()]),
});

export const RouteRequestSchema = z
  .strictObject({
    prompt: z.string().max(MAX_PROMPT_CHARS).optional(),
    messages: z.array(ChatMessage).min(1).max(1000).optional(),
    /** Allow-list of catalog model ids. */
    models: z.array(z.string().min(1).max(200)).min(1).max(200).optional(),
    /** Ceiling on the blended USD price per 1M tokens. */
    maxPricePer1M: z.number().finite().nonnegative().optional(),
    costWeight: z.number().finite().min(0).max(10).optional(),
    k: z.number().int().min(1).max(200).optional(),
    /** Request metadata that routing rules can match on. */
    tier: z.string().min(1).max(100).optional(),
    tags: z.array(z.string().min(1).max(100)).max(50).optional(),
    /** Session for affinity; the x-semroute-session header takes precedence. */
    session: z.string().min(1).max(256).optional(),
    /** The end user (OpenAI's field): a session for follow-ups, i.e. messages that already hold an assistant turn. */
    user: z.string().min(1).max(256).optional(),
    explain: z.boolean().default(false),
  })
  .refine((r) => (r.prompt === undefined) !== (r.messages === undefined), {
    message: 'give exactly one of prompt or messages',
    path: ['prompt'],
  });
export type RouteRequestBody = z.infer<typeof RouteRequestSchema>;

const Record = z.object({ wins: z.number(), losses: z.number(), ties: z.number() });

export const ModelScoreSchema = z.object({
  model: z.string(),
  quality: z.number(),
  pricePer1M: z.number(),
  normalizedPrice: z.number(),
  utility: z.number(),
  support: z.number(),
  sampledQuality: z.number().optional(),
});

export const NeighborSchema = z.object({
  id: z.number().int(),
  text: z.string(),
  intent: z.string().nullable(),
  similarity: z.number(),
  records: z.record(z.string(), Record),
});

export const RouteResponseSchema = z.object({
  decisionId: z.string(),
  model: z.string(),
  fallbacks: z.array(z.string()),
  confidence: z.number().min(0).max(1),
  /** True when exploration (Thompson sampling) picked a model other than the best estimate. */
  explored: z.boolean(),
  covered: z.boolean(),
  reason: z.enum(['covered', 'uncovered', 'empty_index', 'default_not_eligible', 'rule']),
  /** The routing rule that fired, if any. */
  rule: z.string().nullable(),
  intent: z.string().nullable(),
  topSimilarity: z.number().nullable(),
  coverageThreshold: z.number(),
  scores: z.array(ModelScoreSchema),
  excluded: z.array(z.object({ model: z.string(), why: z.string() })),
  neighbors: z.array(NeighborSchema).optional(),
  /** Which text the decision was routed on (never the text itself). */
  routedOn: z.object({
    source: z.enum(['prompt', 'last_user', 'window', 'session', 'none']),
    chars: z.number().int().min(0),
    hash: z.string(),
    turns: z.number().int().min(0),
    affinity: z.enum(['kept', 'same_model', 'new_session', 'rule', 'not_eligible']).optional(),
  }),
  timings: z.object({ embedMs: z.number(), searchMs: z.number(), decideMs: z.number() }),
  /** Present when the embedder's input budget cut the prompt: it was routed on `toChars` of its `fromChars` characters. */
  inputTruncated: z.object({ fromChars: z.number().int(), toChars: z.number().int() }).optional(),
});
export type RouteResponse = z.infer<typeof RouteResponseSchema>;

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  code: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const ReadyResponseSchema = z.object({
  status: z.literal('ready'),
  embedder: z.object({ backend: z.string(), modelId: z.string(), dims: z.number(), pooling: z.string() }),
  index: z.object({ kind: z.string(), size: z.number(), dims: z.number(), capacity: z.number(), efSearch: z.number().optional() }),
  references: z.object({ sets: z.number(), prompts: z.number(), intents: z.number(), models: z.number() }),
  coverageThreshold: z.number(),
  defaultModel: z.string(),
});
