import type { CatalogModel, Rule } from '../config/schema.js';
import type { ModelRecords, WinRecord } from '../store/types.js';
import type { CoverageVerdict } from './coverage.js';
import type { IntentTotals } from './ranking.js';

/** A nearest reference with everything the policy needs to weigh it. */
export interface Evidence {
  readonly id: number;
  readonly similarity: number;
  readonly intent: string | null;
  readonly text?: string;
  readonly records: ModelRecords;
}

/** What the caller asks for; every field optional. */
export interface RouteConstraints {
  /** Allow-list of catalog ids. */
  readonly models?: readonly string[];
  /** Ceiling on the blended USD price per 1M tokens. */
  readonly maxPricePer1M?: number;
  readonly costWeight?: number;
  /** Input tokens of the whole request (every message and tool definition), when larger than the routed text's. */
  readonly inputTokens?: number;
  /** Output the request may produce (its max_tokens), instead of the configured expectation. */
  readonly outputTokens?: number;
}

export interface PolicyParams {
  readonly costWeight: number;
  readonly defaultModel: string;
  readonly priorStrength: number;
  readonly similarityPower: number;
  /** Top similarity a prompt needs to count as covered. */
  readonly coverageThreshold: number;
  /** Neighbour units (the nearest reference counts 1) that must hold records for a prompt to count as covered. */
  readonly minSupport: number;
  readonly expectedOutputTokens: number;
  /**
   * No-harm guard: the least predicted utility gain over the global ranking's choice for which the
   * neighbours' choice is taken; below it the decision falls back to the global ranking. 0 always
   * follows the neighbours, Infinity never does (the zero router's choice at this cost weight).
   */
  readonly gapThreshold: number;
  /** Who answers uncovered prompts: `defaultModel` (the default) or the global ranking's pick. */
  readonly uncoveredModel?: 'default' | 'global_ranking';
}

export interface PolicyInput {
  readonly evidence: readonly Evidence[];
  /** Each model's record over all references: the Beta prior's centre. */
  readonly modelTotals: ReadonlyMap<string, WinRecord>;
  /** Per intent, each model's record over that intent's references (routing/ranking.ts); absent = global ranking only. */
  readonly intentTotals?: IntentTotals;
  /** Per intent, the gap threshold fitted on its references; an intent without one takes `params.gapThreshold`. */
  readonly intentGaps?: ReadonlyMap<string, number>;
  readonly catalog: readonly CatalogModel[];
  readonly constraints: RouteConstraints;
  readonly promptTokens: number;
  readonly params: PolicyParams;
  /** Present when exploring: ranks on a Thompson sample of each model's Beta posterior. */
  readonly random?: () => number;
  /** The routing rule that fired for this request, if any. */
  readonly rule?: Rule | null;
  /** The router's coverage verdict (routing/coverage.ts); absent, policies test top-1 similarity. */
  readonly coverage?: CoverageVerdict;
}

export interface ModelScore {
  readonly model: string;
  /** Estimated win rate in [0,1]: neighbourhood evidence shrunk toward the model's global rate. */
  readonly quality: number;
  /** Blended USD per 1M tokens for this request's shape. */
  readonly pricePer1M: number;
  /** Price on a log scale over the catalog, 0 = cheapest, 1 = dearest. */
  readonly normalizedPrice: number;
  readonly utility: number;
  /** Similarity-weighted trials behind the quality estimate. */
  readonly support: number;
  /** When exploring: the posterior draw that the utility used instead of `quality`. */
  readonly sampledQuality?: number;
  /**
   * The model's ranking rate, what the ranking ranks by and the Beta prior's centre: its rate over
   * the ranking intent's references shrunk toward its rate over all references, or the latter.
   */
  readonly prior?: number;
}

/**
 * What the choice rests on: the neighbours' evidence; the ranking (quality against price, i.e. the
 * zero router's choice at this cost weight) when the neighbours' predicted gain is below
 * `gapThreshold` or the prompt is uncovered (with `uncoveredModel: global_ranking`):
 * `intent_ranking` over the references of the intent the neighbours vote for, `global_ranking` over
 * all references; the configured default; or a rule's pin.
 */
export type DecisionBasis = 'neighbours' | 'intent_ranking' | 'global_ranking' | 'default_model' | 'rule';

/** `empty`: no text to route on; `language`: a language the embedder does not read (both uncovered). */
export type DecisionReason = 'covered' | 'uncovered' | 'empty_index' | 'default_not_eligible' | 'rule' | 'empty' | 'language';


export interface ExcludedModel {
  readonly model: string;
  readonly why: 'not_allowed' | 'over_max_price' | 'context_too_small' | 'excluded_by_rule';
}

export type Decision =
  | {
      readonly kind: 'routed';
      readonly model: string;
      readonly fallbacks: readonly string[];
      readonly reason: DecisionReason;
      readonly basis: DecisionBasis;
      /** Predicted utility gain of the neighbours' best model over the ranking's choice; null when uncovered. */
      readonly gain: number | null;
      /** The intent whose references ranked the models (prior and fallback); null = all references. */
      readonly rankingIntent?: string | null;
      readonly covered: boolean;
      readonly confidence: number;
      /** The name of the rule that fired, if any. */
      readonly rule: string | null;
      /** True when exploration picked a model other than the best posterior mean. */
      readonly explored: boolean;
      readonly topSimilarity: number | null;
      readonly coverageThreshold: number;
      /** The intent of a covered prompt; null when uncovered (no intent without evidence). */
      readonly intent: string | null;
      /** The intent the neighbours vote for, covered or not, and its nearest reference's similarity. */
      readonly nearestIntent?: string | null;
      readonly nearestSimilarity?: number | null;
      /** The score the coverage test compared with the threshold (mean of the top-N similarities). */
      readonly coverageScore?: number | null;
      readonly scores: readonly ModelScore[];
      readonly excluded: readonly ExcludedModel[];
      readonly evidence: readonly Evidence[];
    }
  | { readonly kind: 'no_eligible_model'; readonly excluded: readonly ExcludedModel[] };
