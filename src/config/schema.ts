import { z } from 'zod';

/** One model the router may choose. Prices are USD per 1M tokens, as the provider lists them. */
/** Where the front door sends a model's requests: any OpenAI-compatible chat completions API. */
export const UpstreamSchema = z.strictObject({
  /** e.g. https://api.openai.com/v1 — the proxy POSTs to `${baseUrl}/chat/completions`. */
  baseUrl: z.url(),
  /** Name of the environment variable holding the API key; the key itself is never in config or logs. */
  apiKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name').optional(),
  /** The provider's name for the model, when it differs from the catalog id. */
  model: z.string().min(1).optional(),
  /** Longest wait for the first byte and between two chunks, in ms; never a cap on a healthy stream's length. */
  timeoutMs: z.number().int().positive().default(60_000),
});

export const CatalogModelSchema = z.strictObject({
  id: z.string().min(1).max(200),
  provider: z.string().min(1).max(100),
  inputPricePer1M: z.number().nonnegative(),
  outputPricePer1M: z.number().nonnegative(),
  contextWindow: z.number().int().positive(),
  tags: z.array(z.string().min(1).max(100)).default([]),
  upstream: UpstreamSchema.optional(),
});
export type CatalogModel = z.infer<typeof CatalogModelSchema>;

// From env or a file: true/false, or the strings zod's stringbool reads (1/0, yes/no, on/off, enabled/disabled).
const bool = z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' });
const num = z.coerce.number();

const ServerSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: num.pipe(z.number().int().min(0).max(65535)).default(8787),
  maxBodyBytes: num.pipe(z.number().int().positive()).default(256_000),
  /** Requests per minute per caller (API key, else client address) on the public endpoints; 0 = off. */
  rateLimitPerMinute: num.pipe(z.number().int().min(0)).default(0),
  /** Origins allowed to call from a browser; empty = no CORS headers at all (the default). */
  corsOrigins: z.array(z.string().min(1)).default([]),
  /** On SIGTERM/SIGINT, how long in-flight requests may run before their connections are cut. */
  shutdownDeadlineMs: num.pipe(z.number().int().positive()).default(10_000),
  /**
   * How long an idle keep-alive connection stays open for its next request, in ms (Node's default,
   * 5 000). Behind a load balancer, set it above the balancer's idle timeout (AWS ALB: 60 s), or the
   * balancer may reuse a connection the server is closing. Shutdown closes idle connections at once.
   */
  keepAliveTimeoutMs: num.pipe(z.number().int().positive()).default(5_000),
});

const EmbeddingSchema = z.strictObject({
  /** auto: a transformers model if it loads, else the bundled USE Lite, else lexical (with one warning saying why). */
  backend: z.enum(['auto', 'transformers', 'use-lite', 'lexical']).default('auto'),
  modelId: z.string().min(1).default('Xenova/all-MiniLM-L6-v2'),
  /** A folder holding `<modelId>/` subfolders with config.json, tokenizer.json and onnx/model.onnx. */
  localModelPath: z.string().optional(),
  /** Where downloaded models are cached; defaults to `<dataDir>/models`. */
  cacheDir: z.string().optional(),
  allowRemote: bool.default(true),
  /**
   * ONNX weights file (q8 = onnx/model_quantized.onnx, int8 weights; fp32 = onnx/model.onnx). q8 by
   * measurement: on the MiniLM architecture here, 1.5–2.1× the routes/s of fp32 and half the
   * latency (BENCHMARKS.md, issue 14); its quality on the real weights could not be measured here (README).
   */
  dtype: z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4']).default('q8'),
  /**
   * Most texts per model call (the pool's batches, seeding included); unset = the backend's own.
   * Measured (BENCHMARKS.md, issue 14): on the MiniLM architecture, grouped by length, 8 texts per
   * batch ran 1.27× one at a time and 32 0.92× (wider groups pad more), so transformers uses 8;
   * USE Lite's input is sparse (no padding) and ran 71 texts/s batched by 32 vs 46 one at a time, so
   * use-lite uses 32.
   */
  batchSize: num.pipe(z.number().int().positive().max(1024)).optional(),
  lexicalDims: num.pipe(z.number().int().min(16).max(65536)).default(1024),
  /** transformers: a token budget below the model's own (the smallest of tokenizer, config and sentence-transformers limits). */
  maxTokens: num.pipe(z.number().int().min(8)).optional(),
  /** use-lite and lexical: characters embedded per text; unset = the backend's default (see README). */
  maxChars: num.pipe(z.number().int().min(16)).optional(),
  /** Which part of an over-long prompt is embedded. */
  keep: z.enum(['head', 'head+tail']).default('head'),
  pool: z
    .strictObject({
      /** Worker threads, each with its own copy of the model; 0 = os.availableParallelism(). */
      size: num.pipe(z.number().int().min(0).max(64)).default(0),
      /** How long a text may wait for others to join its batch while every worker is busy, in ms. */
      maxWaitMs: num.pipe(z.number().min(0).max(100)).default(2),
      /** onnxruntime intra-op threads per worker; 0 = cores / workers (no oversubscription). */
      intraOpThreads: num.pipe(z.number().int().min(0).max(64)).default(0),
      /** V8 heap limit per worker in MB; a worker past it is replaced (the model's native memory is not counted). */
      maxHeapMb: num.pipe(z.number().int().min(64)).default(1024),
    })
    .prefault({}),
  cache: z
    .strictObject({
      enabled: bool.default(true),
      maxEntries: num.pipe(z.number().int().min(0)).default(10_000),
      maxMb: num.pipe(z.number().min(0)).default(32),
    })
    .prefault({}),
  /**
   * What a transformers model reads (ISO 639-1 codes, or a comma list from env); prompts in other
   * languages are routed uncovered (reason `language`). Unset: English. USE Lite and lexical are English-only.
   */
  languages: z
    .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(z.string().regex(/^[a-z]{2}$/, 'an ISO 639-1 code such as en')).min(1))
    .optional(),
  /** The transformers model reads any language (e.g. paraphrase-multilingual-MiniLM-L12-v2): no language check. */
  multilingual: bool.optional(),
});

const IndexSchema = z.strictObject({
  m: num.pipe(z.number().int().min(2).max(128)).default(16),
  efConstruction: num.pipe(z.number().int().min(8)).default(200),
  /**
   * Candidates kept while searching. Measured (npm run bench, 100k synthetic 384-d references, k = 10):
   * recall@10 0.92 at 64, 0.98 at 128, for ~0.1 ms more per search.
   */
  efSearch: num.pipe(z.number().int().min(8)).default(128),
  seed: num.pipe(z.number().int()).default(100),
});

const ExplorationSchema = z.strictObject({
  /** Thompson sampling over each model's Beta posterior, so models with little evidence get trials. */
  enabled: bool.default(false),
  /** Fixes the sampler's sequence (tests, replays); unset = seeded from the clock. */
  seed: num.pipe(z.number().int()).optional(),
});

const TuneSchema = z.strictObject({
  /** Fit k, similarityPower, priorStrength and gapThreshold by leave-one-out at start, seed and rebuild. */
  enabled: bool.default(true),
  /** References sampled for the fit: bounds its time (about 1–2 s at 1,500 on one core). */
  maxSamples: num.pipe(z.number().int().min(50).max(20_000)).default(1500),
});

/** What a target that is neither shape is told (zod's default names no field). */
export const TARGET_SHAPE = 'must be {qualityShare: x} or {costShare: x}, only one of them, with x in (0, 1]';

/** Share of the best single model's quality to reach at least cost, or of its cost to spend at most. */
export const TargetSchema = z.union(
  [
    z.strictObject({ qualityShare: num.pipe(z.number().gt(0).max(1)).meta({ description: 'Share of the best single model’s quality to reach at the least cost.', example: 0.95 }) }),
    z.strictObject({ costShare: num.pipe(z.number().gt(0).max(1)).meta({ description: 'Share of the best single model’s cost to spend at most, for the most quality.', example: 0.5 }) }),
  ],
  { error: TARGET_SHAPE },
);

const RoutingSchema = z.strictObject({
  /** Neighbours consulted per prompt. */
  k: num.pipe(z.number().int().min(1).max(200)).default(10),
  /** Weight of the normalised price against quality in [0,1] units; 0 ignores cost. */
  costWeight: num.pipe(z.number().min(0).max(10)).default(0.25),
  /** The model for uncovered prompts (and when the index is empty). */
  defaultModel: z.string().min(1).default('gpt-5'),
  /** Beta-prior strength in weighted trials: how much evidence it takes to move off the global win rate. */
  priorStrength: num.pipe(z.number().positive()).default(4),
  /** Neighbour weight is similarity^power, so closer references count more. */
  similarityPower: num.pipe(z.number().min(0).max(32)).default(4),
  /** A number in [-1,1], or 'auto' to calibrate it from the reference set. */
  coverageThreshold: z.union([z.literal('auto'), num.pipe(z.number().min(-1).max(1))]).default('auto'),
  /** Percentile of nearest same-intent similarities used by the 'auto' threshold. */
  calibrationPercentile: num.pipe(z.number().min(0).max(100)).default(5),
  /** 'auto' only: the share of background prompts (backgroundDir) allowed to count as covered. */
  backgroundFalseCoveredRate: num.pipe(z.number().min(0).max(0.5)).default(0.08),
  /** Weighted trials the neighbourhood must hold before a prompt counts as covered. */
  minSupport: num.pipe(z.number().min(0)).default(1),
  /** Output tokens assumed per request when blending input and output prices. */
  expectedOutputTokens: num.pipe(z.number().int().min(0)).default(500),
  exploration: ExplorationSchema.prefault({}),
  /** Chats: a last user turn shorter than shortTurnChars, or uncovered, is routed on a window of recent user turns. */
  conversation: z
    .strictObject({
      shortTurnChars: num.pipe(z.number().int().min(0).max(10_000)).default(40),
      windowTurns: num.pipe(z.number().int().min(1).max(20)).default(3),
      /** The system prompt's weight in the window, against 1 for the last user turn; 0 ignores it. */
      systemWeight: num.pipe(z.number().min(0).max(1)).default(0.25),
    })
    .prefault({}),
  /** Session affinity (x-semroute-session header, or the `user` field on follow-ups): in memory, bounded. */
  sessions: z
    .strictObject({
      enabled: bool.default(true),
      ttlSeconds: num.pipe(z.number().int().min(1)).default(1800),
      maxSessions: num.pipe(z.number().int().min(1).max(1_000_000)).default(10_000),
    })
    .prefault({}),
  /**
   * No-harm guard, used when tuning is off or has too few references: the least predicted utility
   * gain over the global ranking's choice for which the neighbours' choice is taken.
   */
  gapThreshold: num.pipe(z.number().min(0)).default(0),
  /**
   * Who answers an uncovered prompt (far from every reference, empty, or in a language the embedder
   * does not read): `default` is `defaultModel`; `global_ranking` is the ranking's pick at the cost
   * weight in force: best over the references of the intent the neighbours vote for, else over all
   * references (the zero router's pick; routing/ranking.ts; the eval measures this setting).
   */
  uncoveredModel: z.enum(['default', 'global_ranking']).default('default'),
  tune: TuneSchema.prefault({}),
  /** An operator target, calibrated by leave-one-out into the cost weight that meets it (overrides costWeight). */
  target: TargetSchema.optional(),
});

const LearningSchema = z.strictObject({
  /** Outcomes a prompt (with its text) needs before it becomes a reference of its own. */
  promoteAfter: num.pipe(z.number().int().min(1)).default(3),
  /** A reference this similar to the prompt counts as the prompt's own. */
  duplicateSimilarity: num.pipe(z.number().min(0).max(1)).default(0.98),
  /** How often a changed index is written to disk (it is also written at shutdown). */
  indexSaveIntervalMs: num.pipe(z.number().int().min(100)).default(30_000),
});

function isRegex(source: string): boolean {
  try {
    new RegExp(source, 'iu');
    return true;
  } catch {
    return false;
  }
}

/** A routing rule: when every condition holds, its actions apply before similarity decides. */
export const RuleSchema = z.strictObject({
  name: z.string().min(1).max(100),
  when: z
    .strictObject({
      /** Case-insensitive regular expression searched in the prompt. */
      pattern: z.string().min(1).refine(isRegex, 'not a valid regular expression').optional(),
      /** Any of these words or phrases, case-insensitive, as whole words. */
      keywords: z.array(z.string().min(1)).min(1).optional(),
      minTokens: z.number().int().min(0).optional(),
      maxTokens: z.number().int().min(0).optional(),
      /** The request's `tier` is one of these. */
      tier: z.array(z.string().min(1)).min(1).optional(),
      /** The request carries at least one of these tags. */
      tags: z.array(z.string().min(1)).min(1).optional(),
    })
    .refine((w) => Object.keys(w).length > 0, 'a rule needs at least one condition'),
  then: z
    .strictObject({
      pin: z.string().min(1).optional(),
      exclude: z.array(z.string().min(1)).min(1).optional(),
      costWeight: z.number().min(0).max(10).optional(),
    })
    .refine((t) => Object.keys(t).length > 0, 'a rule needs at least one action'),
});
export type Rule = z.infer<typeof RuleSchema>;

const Limit = z.strictObject({ dailyUsd: z.number().positive().optional(), monthlyUsd: z.number().positive().optional() });

const ProxySchema = z.strictObject({
  /** How long one chat request may take to get an answer started, retries and fallbacks included (a stream then runs on). */
  deadlineMs: num.pipe(z.number().int().positive()).default(120_000),
  /** Retries on the same model (connection error, timeout, 429, 5xx) before moving down the fallbacks. */
  retries: num.pipe(z.number().int().min(0).max(5)).default(1),
  backoffMs: num.pipe(z.number().int().min(0)).default(200),
  /** Models tried per request at most (the chosen one plus fallbacks). */
  maxAttempts: num.pipe(z.number().int().min(1).max(20)).default(4),
  cooldown: z
    .strictObject({
      /** Consecutive failed attempts that put a model in cooldown. */
      failures: num.pipe(z.number().int().min(1)).default(3),
      ms: num.pipe(z.number().int().min(0)).default(30_000),
    })
    .prefault({}),
  escalation: z
    .strictObject({
      /** Escalate by default; a request can also ask with `router_escalate: true`. */
      enabled: bool.default(false),
      /** Below this routing confidence the first attempt already goes to the next stronger model. */
      minConfidence: num.pipe(z.number().min(0).max(1)).default(0.55),
    })
    .prefault({}),
  budgets: z
    .strictObject({
      global: Limit.optional(),
      /** Our own API keys (Authorization: Bearer …), each read from an environment variable. */
      keys: z.array(z.strictObject({ name: z.string().min(1).max(100), keyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) }).extend(Limit.shape)).default([]),
      /** What an exhausted budget does: refuse with 429, or allow only the cheapest model. */
      onExhausted: z.enum(['reject', 'cheapest']).default('reject'),
      /** costWeight added as the remaining budget falls to zero (scaled by the share spent). */
      pressure: num.pipe(z.number().min(0).max(10)).default(1),
      /** Require one of the configured keys on /v1/chat/completions. */
      requireKey: bool.default(false),
    })
    .prefault({}),
});

const LogSchema = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Store and log prompts in clear; off by default, prompts are hashed. */
  includePrompts: bool.default(false),
  /** Whose text is kept, PII redacted, for the coverage report: uncovered prompts only (default), all, or none. */
  keepText: z.enum(['none', 'uncovered', 'all']).default('uncovered'),
  /** Days stored prompt text (kept or includePrompts) lives; an hourly sweep clears older text. */
  retentionDays: num.pipe(z.number().int().min(1).max(3650)).default(30),
});

export const ConfigSchema = z.strictObject({
  dataDir: z.string().min(1).default('./data'),
  referenceDir: z.string().min(1).default('./reference-prompts'),
  /** Everyday prompts no intent covers; used only to calibrate the coverage threshold, never routed to. */
  backgroundDir: z.string().min(1).default('./reference-prompts/background'),
  /** Seed the reference sets at start when the database holds none. */
  seedOnEmpty: bool.default(true),
  /** Records for model ids not in the catalog (a typo such as `gpt4o-mini`) are errors, not warnings (seed files and admin API). */
  strictModels: bool.default(false),
  server: ServerSchema.prefault({}),
  embedding: EmbeddingSchema.prefault({}),
  index: IndexSchema.prefault({}),
  routing: RoutingSchema.prefault({}),
  learning: LearningSchema.prefault({}),
  proxy: ProxySchema.prefault({}),
  admin: z
    .strictObject({
      /** Bearer token for /v1/admin/*; without one the admin endpoints do not exist. Set it with ROUTER_ADMIN_TOKEN. */
      token: z.string().min(16, 'the admin token must be at least 16 characters').optional(),
    })
    .prefault({}),
  log: LogSchema.prefault({}),
  /** The models to route between. Its default lives in the shipped router.config.yaml, the file users edit. */
  catalog: z
    .array(CatalogModelSchema)
    .min(1, 'the catalog needs at least one model')
    .refine((models) => new Set(models.map((m) => m.id)).size === models.length, 'catalog model ids must be unique'),
  /** Ordered; the first rule whose conditions all hold fires. */
  rules: z.array(RuleSchema).default([]),
}).superRefine((config, ctx) => {
  const known = new Set(config.catalog.map((m) => m.id));
  const ids = config.catalog.map((m) => m.id).join(', ');
  for (const { path, model } of modelReferences(config)) {
    if (!known.has(model)) ctx.addIssue({ code: 'custom', path, message: `'${model}' is not a model in the catalog (catalog: ${ids})` });
  }
});

/**
 * Every place the config names a catalog model, with its path. A name that is not in the catalog
 * fails the load: a typo'd default would otherwise send every uncovered prompt somewhere else.
 * A new setting that names a model belongs in this list.
 */
function modelReferences(config: { routing: { defaultModel: string }; rules: readonly Rule[] }): { path: (string | number)[]; model: string }[] {
  return [
    { path: ['routing', 'defaultModel'], model: config.routing.defaultModel },
    ...config.rules.flatMap((rule, i) => [
      ...(rule.then.pin !== undefined ? [{ path: ['rules', i, 'then', 'pin'], model: rule.then.pin }] : []),
      ...(rule.then.exclude ?? []).map((model, j) => ({ path: ['rules', i, 'then', 'exclude', j], model })),
    ]),
  ];
}

export type Config = z.infer<typeof ConfigSchema>;
export type RoutingConfig = Config['routing'];
export type EmbeddingConfig = Config['embedding'];
export type IndexConfig = Config['index'];
export type LearningConfig = Config['learning'];
export type ProxyConfig = Config['proxy'];
export type Upstream = z.infer<typeof UpstreamSchema>;
