import { z } from 'zod';
import { TARGET_SHAPE } from '../config/schema.js';

/*
 * Request and response schemas of our own endpoints. Every field carries `.meta({ description,
 * example })`: /openapi.json is generated from these schemas, and test/http/openapi.test.ts fails
 * when a field lacks either.
 */

const MAX_PROMPT_CHARS = 200_000;

const ContentPart = z
  .object({
    type: z.string().meta({ description: 'Part type; only `text` parts are read for routing, others are passed on.', example: 'text' }),
    text: z.string().max(MAX_PROMPT_CHARS).optional().meta({ description: 'The text of a `text` part.', example: 'Summarise this contract.' }),
  })
  .meta({ description: 'One part of a multi-part message content (OpenAI format).' });

export const ChatMessage = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']).meta({ description: 'Who wrote the message.', example: 'user' }),
    content: z
      .union([z.string().max(MAX_PROMPT_CHARS), z.array(ContentPart).max(100), z.null()])
      .meta({ description: 'Text, or an array of content parts (OpenAI format); null for tool-call turns.', example: 'Write a haiku about routers.' }),
  })
  .meta({ description: 'A chat message in OpenAI format.' });

export const RouteTargetSchema = z.union([
  z.strictObject({ qualityShare: z.number().gt(0).max(1).meta({ description: 'Share of the best single model’s quality to reach at the least cost.', example: 0.95 }) }),
  z.strictObject({ costShare: z.number().gt(0).max(1).meta({ description: 'Share of the best single model’s cost to spend at most, for the most quality.', example: 0.5 }) }),
], { error: TARGET_SHAPE });

export const RouteRequestSchema = z
  .strictObject({
    prompt: z
      .string()
      .max(MAX_PROMPT_CHARS)
      .refine((p) => p.trim() !== '', 'prompt is empty; send the text to route')
      .optional()
      .meta({ description: 'The prompt to route; empty or whitespace-only is a 400. Give exactly one of `prompt` or `messages`.', example: 'Refactor this Python function to use a generator.' }),
    messages: z
      .array(ChatMessage)
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'A chat transcript to route (the user turns are embedded). Give exactly one of `prompt` or `messages`.', example: [{ role: 'user', content: 'Translate "good morning" into Japanese.' }] }),
    models: z.array(z.string().min(1).max(200)).min(1).max(200).optional().meta({ description: 'Allow-list of catalog model ids; others are excluded.', example: ['gpt-5-mini', 'claude-sonnet-4-5'] }),
    maxPricePer1M: z.number().finite().nonnegative().optional().meta({ description: 'Ceiling on the blended list price, USD per 1M tokens.', example: 5 }),
    costWeight: z.number().finite().min(0).max(10).optional().meta({ description: 'How much price counts against quality (0 = quality only); overrides routing.costWeight.', example: 0.25 }),
    target: RouteTargetSchema.optional().meta({ description: 'This request’s target, overriding routing.target: {qualityShare} or {costShare} of the best single model on the references; calibrated by leave-one-out into a cost weight. An explicit costWeight wins.', example: { qualityShare: 0.95 } }),
    k: z.number().int().min(1).max(200).optional().meta({ description: 'Neighbours to read from the index; overrides routing.k.', example: 16 }),
    tier: z.string().min(1).max(100).optional().meta({ description: 'Request metadata that routing rules can match on (a customer tier, say).', example: 'free' }),
    tags: z.array(z.string().min(1).max(100)).max(50).optional().meta({ description: 'Request tags that routing rules can match on.', example: ['support', 'eu'] }),
    session: z.string().min(1).max(256).optional().meta({ description: 'Session for affinity (follow-ups stay on the same model); the x-semroute-session header takes precedence.', example: 'sess-4f2a' }),
    user: z.string().min(1).max(256).optional().meta({ description: 'The end user (OpenAI’s field): a session for follow-ups, i.e. messages that already hold an assistant turn.', example: 'user-1234' }),
    explain: z.boolean().default(false).meta({ description: 'Include `neighbors` (the nearest references with their records) and `explanation` (one sentence) in the response.', example: true }),
  })
  .refine((r) => (r.prompt === undefined) !== (r.messages === undefined), {
    message: 'give exactly one of prompt or messages',
    path: ['prompt'],
  })
  .meta({ description: 'A prompt (or chat transcript) to route, with optional constraints.' });
export type RouteRequestBody = z.infer<typeof RouteRequestSchema>;

export const WinRecordOutSchema = z
  .object({
    wins: z.number().meta({ description: 'Trials this model won on the reference (may be fractional after learning).', example: 7 }),
    losses: z.number().meta({ description: 'Trials this model lost.', example: 2 }),
    ties: z.number().meta({ description: 'Trials that ended in a tie.', example: 1 }),
  })
  .meta({ description: 'Win/loss/tie record of one model on one reference prompt.' });

export const ModelScoreSchema = z
  .object({
    model: z.string().meta({ description: 'Catalog model id.', example: 'gpt-5-mini' }),
    quality: z.number().meta({ description: 'Estimated win rate on this prompt, from the neighbours’ records (0–1).', example: 0.71 }),
    pricePer1M: z.number().meta({ description: 'Blended list price, USD per 1M tokens.', example: 0.88 }),
    normalizedPrice: z.number().meta({ description: 'Price scaled to 0–1 across the eligible models.', example: 0.12 }),
    utility: z.number().meta({ description: 'quality − costWeight × normalizedPrice: what the router maximises.', example: 0.68 }),
    support: z.number().meta({ description: 'Similarity-weighted trials behind the estimate.', example: 12.4 }),
    sampledQuality: z.number().optional().meta({ description: 'The Thompson-sampling draw, when exploration is on.', example: 0.74 }),
    prior: z.number().optional().meta({ description: 'The model’s win rate over all references: what the global ranking ranks by.', example: 0.66 }),
  })
  .meta({ description: 'How one eligible model scored.' });

export const NeighborSchema = z
  .object({
    id: z.number().int().meta({ description: 'Reference prompt id.', example: 42 }),
    text: z.string().meta({ description: 'Reference prompt text.', example: 'Write a SQL query that finds duplicate emails.' }),
    intent: z.string().nullable().meta({ description: 'The reference’s intent label, if any.', example: 'coding' }),
    similarity: z.number().meta({ description: 'Cosine similarity to the request (−1 to 1).', example: 0.83 }),
    records: z.record(z.string(), WinRecordOutSchema).meta({ description: 'Per-model records on this reference, by model id.', example: { 'gpt-5-mini': { wins: 7, losses: 2, ties: 1 } } }),
  })
  .meta({ description: 'A nearest reference prompt and its records.' });

export const IgnoredPinSchema = z
  .object({
    rule: z.string().meta({ description: 'The rule whose pin was not used.', example: 'contracts-to-the-best' }),
    model: z.string().meta({ description: 'The pinned model.', example: 'claude-sonnet-4-5' }),
    reason: z.string().meta({ description: 'Why it could not be used.', example: "rule 'free-tier' excludes it" }),
  })
  .meta({ description: "A matching rule's pin that the decision could not use." });

/** Which text a decision was routed on; also returned by GET /v1/decisions/:id. */
export const RoutedOnSchema = z
  .object({
    source: z.enum(['prompt', 'last_user', 'window', 'session', 'none']).meta({ description: 'Which text was embedded: the prompt, the last user turn, a window of recent user turns, the session’s model, or none.', example: 'last_user' }),
    chars: z.number().int().min(0).meta({ description: 'Characters of the text routed on.', example: 212 }),
    hash: z.string().meta({ description: 'Hash of the text routed on (never the text itself).', example: '5e1d0c9a2b7f4e31' }),
    turns: z.number().int().min(0).meta({ description: 'User turns in that text.', example: 1 }),
    affinity: z.enum(['kept', 'same_model', 'new_session', 'rule', 'not_eligible']).optional().meta({ description: 'What session affinity did, when a session was given.', example: 'new_session' }),
    textModel: z.string().optional().meta({ description: 'With affinity `kept`: the model the text alone would have chosen (also the first fallback).', example: 'gpt-5-mini' }),
    language: z.string().optional().meta({ description: 'With reason `language`: the language the text was detected in (ISO 639-1, `und` when undetermined).', example: 'fr' }),
  })
  .meta({ description: 'Which text the decision was routed on (never the text itself).' });

export const RouteResponseSchema = z
  .object({
    decisionId: z.string().meta({ description: 'Id of the stored decision; give it to POST /v1/outcomes and GET /v1/decisions/{id}.', example: 'd_01JD8Z6Q4V3K9N2M7T5R8X1Y0B' }),
    model: z.string().meta({ description: 'The chosen catalog model id.', example: 'gpt-5-mini' }),
    fallbacks: z.array(z.string()).meta({ description: 'Next-best eligible models, best first.', example: ['claude-haiku-4-5', 'deepseek-chat'] }),
    confidence: z.number().min(0).max(1).meta({ description: 'How clearly the chosen model beat the next one (0–1).', example: 0.64 }),
    explored: z.boolean().meta({ description: 'True when exploration (Thompson sampling) picked a model other than the best estimate.', example: false }),
    covered: z.boolean().meta({ description: 'True when the coverage score reaches coverageThreshold (and the neighbours hold enough records).', example: true }),
    reason: z
      .enum(['covered', 'uncovered', 'empty_index', 'default_not_eligible', 'rule', 'empty', 'language'])
      .meta({ description: 'Why this model: scored on neighbours, the default for uncovered prompts, or a rule. `empty`: no user text to route on; `language`: written in a language the embedder does not read.', example: 'covered' }),
    basis: z
      .enum(['neighbours', 'intent_ranking', 'global_ranking', 'default_model', 'rule'])
      .meta({ description: 'What the choice rests on: the neighbours; the no-harm fallback when the neighbours’ predicted gain is below gapThreshold: the ranking over the references of the intent the neighbours vote for (intent_ranking) or over all references (global_ranking); the default model (uncovered prompts, unless routing.uncoveredModel is global_ranking); or a rule.', example: 'neighbours' }),
    gain: z.number().nullable().meta({ description: 'Predicted utility gain of the neighbours’ best model over the ranking’s choice; null when uncovered.', example: 0.04 }),
    rankingIntent: z.string().nullable().meta({ description: 'The intent whose references ranked the models (the fallback and the centre of each estimate); null: all references.', example: 'coding' }),
    rule: z.string().nullable().meta({ description: 'The routing rule that fired, if any.', example: null }),
    intent: z.string().nullable().meta({ description: 'The intent of a covered prompt; null when uncovered (no intent without evidence).', example: 'coding' }),
    nearestIntent: z.string().nullable().meta({ description: 'The intent the nearest references vote for, covered or not (null: no neighbours).', example: 'coding' }),
    nearestSimilarity: z.number().nullable().meta({ description: 'Similarity of the nearest reference of nearestIntent.', example: 0.62 }),
    topSimilarity: z.number().nullable().meta({ description: 'Similarity of the nearest reference (null: empty index or empty prompt).', example: 0.83 }),
    coverageScore: z.number().nullable().meta({ description: 'What the coverage test compares with coverageThreshold: the mean similarity of the 3 nearest references when calibrated, the top one for a configured number.', example: 0.71 }),
    coverageThreshold: z.number().meta({ description: 'The threshold that applied to this prompt (its nearest intent’s, when calibrated).', example: 0.55 }),
    scores: z.array(ModelScoreSchema).meta({ description: 'Every eligible model’s score, best first.' }),
    excluded: z
      .array(
        z.object({
          model: z.string().meta({ description: 'Catalog model id.', example: 'gpt-5' }),
          why: z.string().meta({ description: 'Why it was not eligible.', example: 'price above maxPricePer1M' }),
        }),
      )
      .meta({ description: 'Models left out by constraints or rules, with the reason.' }),
    neighbors: z.array(NeighborSchema).optional().meta({ description: 'The neighbours read (only with `explain: true`).' }),
    explanation: z.string().optional().meta({
      description: 'One sentence on why this model (only with `explain: true`).',
      example: 'deepseek-chat: quality 0.62 vs claude-sonnet-4-5 0.73 at 1/14 of the price (costWeight 0.25)',
    }),
    ruleIgnored: IgnoredPinSchema.nullable().meta({ description: 'A matching rule pinned a model this request may not use, and why; null when no pin was ignored.' }),
    routedOn: RoutedOnSchema,
    timings: z
      .object({
        embedMs: z.number().meta({ description: 'Time to embed the prompt, ms.', example: 3.1 }),
        searchMs: z.number().meta({ description: 'Time to search the index, ms.', example: 0.2 }),
        decideMs: z.number().meta({ description: 'Time to score the models, ms.', example: 0.1 }),
      })
      .meta({ description: 'Where the time went.' }),
    inputTruncated: z
      .object({
        fromChars: z.number().int().meta({ description: 'Characters of the text to route on.', example: 12000 }),
        toChars: z.number().int().meta({ description: 'Characters the embedder read (its input budget).', example: 4000 }),
      })
      .optional()
      .meta({ description: "Present when the embedder's input budget cut the prompt: it was routed on `toChars` of its `fromChars` characters." }),
  })
  .meta({ description: 'The routing decision with its evidence.' });
export type RouteResponse = z.infer<typeof RouteResponseSchema>;

export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: 'URN naming the error kind.', example: 'urn:semroute:error:validation_failed' }),
    title: z.string().meta({ description: 'The error code.', example: 'VALIDATION_FAILED' }),
    code: z.string().meta({ description: 'Stable machine-readable code (same as title).', example: 'VALIDATION_FAILED' }),
    status: z.number().int().meta({ description: 'HTTP status.', example: 400 }),
    detail: z.string().meta({ description: 'A sentence saying what went wrong.', example: 'request body is invalid: prompt: give exactly one of prompt or messages' }),
    instance: z.string().optional().meta({ description: 'The request id (also in the X-Request-Id header).', example: 'b3d1c1f0-2c1e-4a7a-9e55-5d1f3f0a9c11' }),
    errors: z
      .array(
        z.object({
          path: z.string().meta({ description: 'Dotted path of the invalid field.', example: 'prompt' }),
          message: z.string().meta({ description: 'What is wrong with it.', example: 'give exactly one of prompt or messages' }),
        }),
      )
      .optional()
      .meta({ description: 'One entry per invalid field.' }),
  })
  .meta({ description: 'Problem details (RFC 9457).' });

export const HealthResponseSchema = z
  .object({ status: z.literal('ok').meta({ description: 'Always `ok` while the process serves requests.', example: 'ok' }) })
  .meta({ description: 'Liveness.' });

export const ReadyResponseSchema = z
  .object({
    status: z.literal('ready').meta({ description: 'Always `ready` once the model and index are loaded.', example: 'ready' }),
    embedder: z
      .object({
        backend: z.string().meta({ description: 'Embedding backend.', example: 'transformers' }),
        modelId: z.string().meta({ description: 'Embedding model id.', example: 'Xenova/bge-small-en-v1.5' }),
        dims: z.number().meta({ description: 'Vector dimensions.', example: 384 }),
        pooling: z.string().meta({ description: 'Pooling used to turn token vectors into one vector.', example: 'cls' }),
        input: z.string().optional().meta({ description: 'The input budget: characters and tokens that reach the model, and which part of a longer text is kept.', example: 'chars=2048,tokens=256,keep=head' }),
      })
      .meta({ description: 'The active embedder.' }),
    index: z
      .object({
        kind: z.string().meta({ description: 'Index implementation.', example: 'hnsw' }),
        size: z.number().meta({ description: 'Vectors in the index.', example: 1200 }),
        dims: z.number().meta({ description: 'Vector dimensions.', example: 384 }),
        capacity: z.number().meta({ description: 'Vectors the index can hold before it grows.', example: 2048 }),
        efSearch: z.number().optional().meta({ description: 'HNSW search breadth.', example: 128 }),
      })
      .meta({ description: 'The vector index.' }),
    references: z
      .object({
        sets: z.number().meta({ description: 'Reference sets loaded.', example: 4 }),
        prompts: z.number().meta({ description: 'Reference prompts.', example: 1200 }),
        intents: z.number().meta({ description: 'Distinct intents.', example: 12 }),
        models: z.number().meta({ description: 'Models with records.', example: 6 }),
      })
      .meta({ description: 'What the reference store holds.' }),
    coverageThreshold: z.number().meta({ description: 'The similarity below which a prompt counts as uncovered.', example: 0.55 }),
    defaultModel: z.string().meta({ description: 'The model uncovered prompts go to.', example: 'gpt-5-mini' }),
  })
  .meta({ description: 'Readiness: the active embedder, index and reference counts.' });
