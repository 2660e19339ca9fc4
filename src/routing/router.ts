import { createHash, randomUUID } from 'node:crypto';
import { estimateTokens } from '../config/catalog.js';
import type { CatalogModel, RoutingConfig, Rule } from '../config/schema.js';
import type { Embedder, InputCut } from '../embedding/embedder.js';
import { embedTexts } from './embed-texts.js';
import type { Logger } from '../shared/logger.js';
import type { SqliteDecisionStore } from '../store/decision-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import type { WriteQueue } from '../store/write-queue.js';
import type { WinRecord } from '../store/types.js';
import { seededRandom } from '../shared/random.js';
import { assessNeighbours, coverageTestOf, type CoverageModel, type CoverageTest, type CoverageVerdict, type UncoveredBy } from './coverage.js';
import { detectLanguage, readsLanguage, type LanguageSupport } from './language.js';
import { decide } from './policy.js';
import { composeRules, ignoredPin, matchingRules, type CompiledRule, type IgnoredPin } from './rules.js';
import { decisionDetails } from './decision-details.js';
import type { DetailsToStore } from '../store/decision-details-codec.js';
import { explainDecision } from './explain.js';
import type { ReferenceIndex } from './reference-index.js';
import { textToKeep } from '../privacy/redact.js';
import { DEFAULT_CONVERSATION, earlierTurns, isShortTurn, mixVectors, routingWindow, type ConversationOptions, type ConversationTurn, type RoutedOn, type RoutedOnSource, type RoutingWindow } from './conversation.js';
import type { SessionAffinity } from './session-affinity.js';
import { calibrateTarget, targetLabel, type RoutingTarget, type TargetResolution } from './policies/target.js';
import { gapThresholdOf, intentGapsOf, type RoutingFit } from './tuning.js';
import type { Decision, Evidence, PolicyParams, RouteConstraints } from './types.js';

export type KeepText = 'none' | 'uncovered' | 'all';

export interface RouterDeps {
  readonly embedder: Embedder;
  /** Only searched: benchmarks put the exact brute-force index here to compare like for like. */
  readonly index: Pick<ReferenceIndex, 'search'>;
  readonly references: SqliteReferenceStore;
  readonly decisions: SqliteDecisionStore;
  readonly catalog: readonly CatalogModel[];
  readonly routing: RoutingConfig;
  readonly rules: readonly CompiledRule[];
  /** The coverage test in force (calibrated or configured; coverage/threshold.ts). */
  readonly coverage: CoverageModel;
  /** What the embedder reads; a prompt in another language is uncovered. Absent: no language check. */
  readonly languages?: LanguageSupport;
  readonly storePrompts: boolean;
  /** Whose text is kept, PII redacted, for the coverage report (log.keepText); default none. */
  readonly keepText?: KeepText;
  readonly logger: Logger;
  /** Decisions are logged through group commit: one fsync for many, none on the request's path. */
  readonly queue: WriteQueue;
  /** Session affinity; absent = sessions are ignored. Owned by the composition root, so a rebuilt router keeps it. */
  readonly sessions?: SessionAffinity;
  readonly conversation?: ConversationOptions;
  /** Leave-one-out fit of the policy (routing/tuning.ts); null = the configured values. */
  readonly fit?: RoutingFit | null;
  /** The record totals to start from (a predecessor's `recordTotals()`); absent: read from the store. */
  readonly totals?: RecordTotals;
}

/** Each model's record summed globally and per intent, as SQLite holds them, and the store version they were read at. */
export interface RecordTotals {
  readonly version: number;
  readonly models: Map<string, WinRecord>;
  readonly intents: Map<string, Map<string, WinRecord>>;
}

export interface RouteRequest {
  /** The text rules match on: the prompt, or a chat's last user turn ('' when it has none). */
  readonly prompt: string;
  /** A chat's turns: a short or uncovered last turn is routed on a window of them (see conversation.ts). */
  readonly conversation?: readonly ConversationTurn[];
  /** `followUp`: the session's model is kept (a session header, or a chat that already has an answer). */
  readonly session?: { readonly id: string; readonly followUp: boolean };
  readonly constraints: RouteConstraints;
  readonly k?: number;
  /** Overrides routing.target for this request (an explicit constraints.costWeight wins over both). */
  readonly target?: RoutingTarget;
  /** Request metadata that rules match on. */
  readonly tier?: string;
  readonly tags?: readonly string[];
  /** Aborts the embedding while it still waits for a worker (the client went away). */
  readonly signal?: AbortSignal;
}

export interface RouteTimings {
  readonly embedMs: number;
  readonly searchMs: number;
  readonly decideMs: number;
}

export interface RoutingDescription {
  readonly tuned: boolean;
  readonly k: number;
  readonly similarityPower: number;
  readonly priorStrength: number;
  /** null = ∞: always the ranking. */
  readonly gapThreshold: number | null;
  /** Per intent with its own fitted gap threshold (null = ∞). */
  readonly intentGaps: Readonly<Record<string, number | null>>;
  readonly loo: { samples: number; brier: number; aiq: number | null; zeroRouterAiq: number | null; bestModel: string; seconds: number } | null;
  readonly target: RoutingTarget | null;
  readonly targetMet: boolean | null;
  readonly costWeight: number;
  /** Leave-one-out quality and cost at the cost weight in force, as shares of the best single model's. */
  readonly expected: { costWeight: number; qualityShare: number; costShare: number } | null;
}

export type RouteResult = {
  readonly decisionId: string;
  readonly promptHash: string;
  readonly decision: Decision;
  readonly timings: RouteTimings;
  readonly routedOn: RoutedOn;
  /** A rule's pin the decision could not use (excluded by another rule or by the request), with why. */
  readonly ruleIgnored: IgnoredPin | null;
  /** One sentence on why this model (see explain.ts); null when no model was eligible. */
  readonly explanation: string | null;
  /** Set when the embedder's input budget cut the text routed on: `toChars` of its `fromChars` characters reached the model. */
  readonly inputTruncated?: InputCut;
};

/** A text that was embedded and searched, and what the policy made of it. */
interface Attempt {
  readonly on: { readonly source: RoutedOnSource; readonly text: string; readonly turns: number };
  readonly vector: Float32Array;
  readonly decision: Decision;
  readonly cut?: InputCut | undefined;
}

type Clock = { embedMs: number; searchMs: number; decideMs: number };

/** A routed decision that came back uncovered (the only kind another text may replace). */
function isUncovered(attempt: Attempt): boolean {
  return attempt.decision.kind === 'routed' && !attempt.decision.covered;
}

function isCovered(attempt: Attempt): boolean {
  return attempt.decision.kind === 'routed' && attempt.decision.covered;
}

/** The orchestrator: embed → search → load records → decide (pure) → store the decision. */
export class Router {
  private totals: Map<string, WinRecord>;
  /** Per intent, each model's record: the intent ranking (routing/ranking.ts). */
  private intentTotals: Map<string, Map<string, WinRecord>>;
  /** Drives Thompson sampling; absent when exploration is off, which keeps decisions deterministic. */
  private readonly random: (() => number) | undefined;

  /** The store's external version when `totals` was read: another process's commit re-reads them. */
  private totalsVersion: number;

  constructor(private readonly deps: RouterDeps) {
    this.totalsVersion = deps.totals?.version ?? deps.references.externalVersion();
    this.totals = deps.totals?.models ?? deps.references.modelTotals();
    this.intentTotals = deps.totals?.intents ?? deps.references.intentTotals();
    const exploration = deps.routing.exploration;
    this.random = exploration.enabled ? seededRandom(exploration.seed ?? Date.now()) : undefined;
  }

  /** The global threshold of the coverage test (intents with their own shift it; see `coverage`). */
  get coverageThreshold(): number {
    return this.deps.coverage.threshold;
  }

  get coverage(): CoverageModel {
    return this.deps.coverage;
  }

  /** The coverage model as applied to neighbours (the tuning's leave-one-out fit applies the same). */
  get coverageTest(): CoverageTest {
    return coverageTestOf(this.deps.coverage, this.deps.routing);
  }

  get similarityPower(): number {
    return this.deps.fit?.similarityPower ?? this.deps.routing.similarityPower;
  }

  /** The configured target's cost weight when one is set (and a fit exists), else routing.costWeight. */
  get costWeight(): number {
    return this.targetResolution()?.costWeight ?? this.deps.routing.costWeight;
  }

  get k(): number {
    return this.deps.fit?.k ?? this.deps.routing.k;
  }

  get fit(): RoutingFit | null {
    return this.deps.fit ?? null;
  }

  /** How a target (the request's, else the configured one) maps to a cost weight; null without a target or a fit. */
  targetResolution(target: RoutingTarget | undefined = this.deps.routing.target): TargetResolution | null {
    const fit = this.deps.fit;
    if (!target || !fit) return null;
    return calibrateTarget(fit.curve, fit.best, target);
  }

  /** The held-out quality and cost share expected at the cost weight in force (leave-one-out curve). */
  expected(): { costWeight: number; qualityShare: number; costShare: number } | null {
    const fit = this.deps.fit;
    if (!fit) return null;
    const costWeight = this.costWeight;
    const point = fit.curve.reduce<RoutingFit['curve'][number] | undefined>(
      (a, p) => (a === undefined || Math.abs(Math.log1p(p.costWeight) - Math.log1p(costWeight)) < Math.abs(Math.log1p(a.costWeight) - Math.log1p(costWeight)) ? p : a),
      undefined,
    );
    if (!point) return null;
    const share = (x: number, of: number) => (of > 0 ? x / of : 0);
    return { costWeight, qualityShare: share(point.quality, fit.best.quality), costShare: share(point.cost, fit.best.cost) };
  }

  /**
   * The policy settings in force and where they come from, for /readyz, the seed summary and the
   * start-up line: fitted values with their leave-one-out quality, the target and the cost weight
   * it calibrated to, and the held-out quality and cost share expected there.
   */
  describe(): RoutingDescription {
    const fit = this.deps.fit ?? null;
    const resolution = this.targetResolution();
    const params = this.policyParams();
    return {
      tuned: fit !== null,
      k: this.k,
      similarityPower: params.similarityPower,
      priorStrength: params.priorStrength,
      gapThreshold: Number.isFinite(params.gapThreshold) ? params.gapThreshold : null,
      intentGaps: fit?.intentGaps ?? {},
      loo: fit ? { samples: fit.samples, brier: fit.brier, aiq: fit.looAiq, zeroRouterAiq: fit.zeroRouterLooAiq, bestModel: fit.best.model, seconds: fit.seconds } : null,
      target: this.deps.routing.target ?? null,
      targetMet: resolution?.met ?? null,
      costWeight: this.costWeight,
      expected: this.expected(),
    };
  }

  /**
   * Moves the global and per-intent totals by learned deltas (the reference's intent, read after the
   * commit, so a promoted reference counts too), so the priors follow without a full re-read.
   */
  applyDeltas(deltas: readonly ({ model: string; referenceId?: number } & WinRecord)[]): void {
    const refs = this.deps.references.references(deltas.flatMap((d) => (d.referenceId === undefined ? [] : [d.referenceId])));
    for (const d of deltas) {
      addInto(this.totals, d);
      const intent = d.referenceId === undefined ? null : (refs.get(d.referenceId)?.intent ?? null);
      if (intent === null) continue;
      const byModel = this.intentTotals.get(intent) ?? new Map<string, WinRecord>();
      this.intentTotals.set(intent, byModel);
      addInto(byModel, d);
    }
  }

  async route(request: RouteRequest): Promise<RouteResult> {
    const clock = { embedMs: 0, searchMs: 0, decideMs: 0 };
    const options = this.deps.conversation ?? DEFAULT_CONVERSATION;
    const window = request.conversation ? routingWindow(request.conversation, options) : null;
    const single = { source: request.conversation ? (request.prompt === '' ? 'none' : 'last_user') : 'prompt', text: request.prompt, turns: request.prompt === '' ? 0 : 1 } as const;
    const attempt = window !== null && isShortTurn(request.prompt, options) ? await this.attemptShortTurn(window, request, clock) : await this.attemptWidened(single, window, request, clock);
    const { decision, affinity } = this.withAffinity(attempt.decision, request.session);
    const decisionId = randomUUID();
    const hash = promptHash(attempt.on.text);
    const source = affinity === 'kept' ? 'session' : attempt.on.source;
    const textModel = affinity === 'kept' && attempt.decision.kind === 'routed' ? attempt.decision : undefined;
    // Named for the coverage report's group of prompts in other languages (detection reads ≤ 1,000 characters).
    const language = decision.kind === 'routed' && decision.reason === 'language' ? detectLanguage(attempt.on.text) : undefined;
    const routedOn: RoutedOn = { source, chars: attempt.on.text.length, hash, turns: attempt.on.turns, ...(affinity ? { affinity } : {}), ...(textModel ? { textModel: textModel.model } : {}), ...(language ? { language } : {}) };
    const cut = attempt.cut;
    const why = decision.kind === 'routed' ? this.explained(decision, request, textModel) : null;
    if (decision.kind === 'routed') this.store({ id: decisionId, hash, prompt: attempt.on.text, vector: attempt.vector, routedOn, cut, details: why?.details }, decision);
    const explained = { ruleIgnored: why?.ruleIgnored ?? null, explanation: why?.explanation ?? null };
    return { decisionId, promptHash: hash, decision, routedOn, ...explained, timings: clock, ...(cut ? { inputTruncated: cut } : {}) };
  }

  /** A long last turn is routed on its own words; when they come back uncovered, on the window if that is covered. */
  private async attemptWidened(single: Attempt['on'], window: RoutingWindow | null, request: RouteRequest, clock: Clock): Promise<Attempt> {
    const attempt = await this.attempt(single, request, clock);
    if (window === null || !isUncovered(attempt)) return attempt;
    const widened = await this.attemptWindow(window, request, clock, attempt.vector);
    return isCovered(widened) ? widened : attempt;
  }

  /**
   * A short follow-up ("commit it") is routed on the window; when the window comes back uncovered
   * (a few content-free words weighted 1 can pull it off every reference), on the turns before it,
   * if those are covered: the follow-up continues their task.
   */
  private async attemptShortTurn(window: RoutingWindow, request: RouteRequest, clock: Clock): Promise<Attempt> {
    const attempt = await this.attemptWindow(window, request, clock);
    const earlier = isUncovered(attempt) ? earlierTurns(window) : null;
    if (earlier === null) return attempt;
    const context = await this.attemptWindow(earlier, request, clock);
    return isCovered(context) ? context : attempt;
  }

  private async attempt(on: Attempt['on'], request: RouteRequest, clock: { embedMs: number; searchMs: number; decideMs: number }): Promise<Attempt> {
    const t0 = performance.now();
    const uncoveredBy = this.uncoveredBy(on.text);
    // An empty text has nothing to embed or search: it is routed on no evidence at all.
    const { vectors, cut } = uncoveredBy === 'empty' ? { vectors: [new Float32Array(this.deps.embedder.fingerprint.dims)], cut: undefined } : await embedTexts(this.deps.embedder, [on.text], request.signal);
    const vector = vectors[0] ?? new Float32Array(0);
    return { on, vector, cut, decision: this.timedDecide(vector, request, clock, { embedMs: performance.now() - t0, uncoveredBy }) };
  }

  /** Embeds the window's texts in one batch (the last turn's vector is reused when known) and mixes them. */
  private async attemptWindow(window: RoutingWindow, request: RouteRequest, clock: { embedMs: number; searchMs: number; decideMs: number }, lastTurn?: Float32Array): Promise<Attempt> {
    const t0 = performance.now();
    const todo = lastTurn ? window.parts.slice(1) : window.parts;
    const { vectors: embedded, cut } = await embedTexts(this.deps.embedder, todo.map((p) => p.text), request.signal);
    const vectors = lastTurn ? [lastTurn, ...embedded] : embedded;
    if (vectors.length !== window.parts.length) throw new Error('embedder returned too few vectors');
    const vector = mixVectors(vectors, window.parts.map((p) => p.weight));
    const timing = { embedMs: performance.now() - t0, uncoveredBy: this.uncoveredBy(window.text) };
    return { on: { source: 'window', text: window.text, turns: window.turns }, vector, cut, decision: this.timedDecide(vector, request, clock, timing) };
  }

  private timedDecide(
    vector: Float32Array,
    request: RouteRequest,
    clock: { embedMs: number; searchMs: number; decideMs: number },
    { embedMs, uncoveredBy }: { embedMs: number; uncoveredBy: UncoveredBy | null },
  ): Decision {
    const t0 = performance.now();
    const { decision, searchMs } = this.decideFor(vector, request, uncoveredBy);
    clock.embedMs += embedMs;
    clock.searchMs += searchMs;
    clock.decideMs += performance.now() - t0 - searchMs;
    return decision;
  }

  /**
   * A follow-up keeps its session's model unless a rule fired or the model is not eligible for this
   * request (constraints); the text's own choice becomes the first fallback. Escalation, applied by
   * the proxy after routing, still moves it up. A model left out by this request alone (its `models`,
   * price or context needs, or a rule) does not replace the session's model: the next follow-up
   * returns to it. Only a model gone from the catalog is replaced.
   */
  private withAffinity(d: Decision, session: RouteRequest['session']): { decision: Decision; affinity?: NonNullable<RoutedOn['affinity']> } {
    const sessions = this.deps.sessions;
    if (session === undefined || sessions === undefined || d.kind !== 'routed') return { decision: d };
    const kept = session.followUp ? sessions.modelOf(session.id) : undefined;
    let decision = d;
    let affinity: NonNullable<RoutedOn['affinity']>;
    if (kept === undefined) affinity = 'new_session';
    else if (kept === d.model) affinity = 'same_model';
    else if (d.rule !== null) affinity = 'rule';
    else if (!d.scores.some((s) => s.model === kept)) affinity = 'not_eligible';
    else {
      decision = { ...d, model: kept, fallbacks: [d.model, ...d.fallbacks.filter((m) => m !== kept)] };
      affinity = 'kept';
    }
    const excludedHere = affinity === 'not_eligible' && d.excluded.some((e) => e.model === kept);
    if (!excludedHere) sessions.remember(session.id, decision.model);
    return { decision, affinity };
  }

  /** Everything after embedding; synchronous, so benchmarks can time it without the model. */
  decideFor(vector: Float32Array, request: RouteRequest, uncoveredBy: UncoveredBy | null = null): { decision: Decision; searchMs: number } {
    const s0 = performance.now();
    const neighbours = uncoveredBy === 'empty' ? [] : this.deps.index.search(vector, request.k ?? this.k);
    const searchMs = performance.now() - s0;
    const ids = neighbours.map((n) => n.label);
    const refs = this.deps.references.references(ids);
    const records = this.deps.references.records(ids);
    const evidence: Evidence[] = neighbours.map((n) => {
      const ref = refs.get(n.label);
      return { id: n.label, similarity: n.similarity, intent: ref?.intent ?? null, text: ref?.text ?? '', records: records.get(n.label) ?? new Map() };
    });
    const promptTokens = estimateTokens(request.prompt);
    // Records a seed in another process changed move the prior too (its own writes move it by applyDeltas).
    if (this.deps.references.externalVersion() !== this.totalsVersion) this.refreshTotals();
    // Every matching rule applies: the first pin and costWeight, and the exclusions of all of them.
    const rule = composeRules(this.matchedRules(request));
    const coverage = this.coverageOf(evidence, { uncoveredBy, vector });
    const decision = decide({
      evidence,
      coverage,
      modelTotals: this.totals,
      intentTotals: this.intentTotals,
      intentGaps: this.intentGaps,
      catalog: this.deps.catalog,
      constraints: this.withTarget(request),
      promptTokens,
      rule,
      params: this.policyParams(),
      ...(this.random ? { random: this.random } : {}),
    });
    return { decision: withCoverage(decision, coverage), searchMs };
  }

  /**
   * The coverage verdict `decideFor` gives its policy for this evidence (the eval's replay passes it
   * too). Coverage and the intent vote read the configured k nearest, as the calibration did: a tuned
   * k (often 50) lets large intents outvote the nearest references.
   */
  coverageOf(evidence: readonly Evidence[], prompt: { uncoveredBy?: UncoveredBy | null; vector?: Float32Array } = {}): CoverageVerdict {
    return assessNeighbours(evidence, this.coverageTest, prompt);
  }

  /** Empty text, or a language the embedder does not read: uncovered whatever the neighbours say. */
  private uncoveredBy(prompt: string): UncoveredBy | null {
    if (prompt.trim() === '') return 'empty';
    const languages = this.deps.languages;
    if (languages && !languages.multilingual && !readsLanguage(languages, detectLanguage(prompt))) return 'language';
    return null;
  }

  /** A request's target becomes its cost weight unless it names a cost weight itself. */
  private withTarget(request: RouteRequest): RouteConstraints {
    if (request.target === undefined || request.constraints.costWeight !== undefined) return request.constraints;
    const resolved = this.targetResolution(request.target);
    return resolved ? { ...request.constraints, costWeight: resolved.costWeight } : request.constraints;
  }

  /**
   * A copy of the totals, for a router that replaces this one while the records are unchanged (a
   * config reload): they are kept current by applyDeltas and external-commit re-reads, and copying
   * them costs models × intents, where a re-read scans every record.
   */
  recordTotals(): RecordTotals {
    const copy = (byModel: Map<string, WinRecord>) => new Map([...byModel].map(([model, r]) => [model, { ...r }]));
    return { version: this.totalsVersion, models: copy(this.totals), intents: new Map([...this.intentTotals].map(([intent, byModel]) => [intent, copy(byModel)])) };
  }

  /** Re-reads each model's global record, e.g. after seeding. */
  refreshTotals(): void {
    this.totalsVersion = this.deps.references.externalVersion();
    this.totals = this.deps.references.modelTotals();
    this.intentTotals = this.deps.references.intentTotals();
  }

  /** The per-intent totals the policy ranks by (the eval's replay passes them as decideFor does). */
  get intentRecords(): ReadonlyMap<string, ReadonlyMap<string, WinRecord>> {
    return this.intentTotals;
  }

  /** The per-intent gap thresholds of the fit in force (none without a fit). */
  get intentGaps(): ReadonlyMap<string, number> {
    return this.deps.fit ? intentGapsOf(this.deps.fit) : new Map();
  }

  /** The parameters this router gives its policy; the eval's cost-weight sweep reuses them. */
  policyParams(): PolicyParams {
    const r = this.deps.routing;
    const fit = this.deps.fit;
    return {
      costWeight: this.costWeight,
      defaultModel: r.defaultModel,
      priorStrength: fit?.priorStrength ?? r.priorStrength,
      similarityPower: fit?.similarityPower ?? r.similarityPower,
      coverageThreshold: this.deps.coverage.threshold,
      minSupport: r.minSupport,
      expectedOutputTokens: r.expectedOutputTokens,
      gapThreshold: fit ? gapThresholdOf(fit) : r.gapThreshold,
      uncoveredModel: r.uncoveredModel,
    };
  }

  private matchedRules(request: RouteRequest): Rule[] {
    return matchingRules(this.deps.rules, { prompt: request.prompt, promptTokens: estimateTokens(request.prompt), ...pickMetadata(request) });
  }

  /** Why the decision is what it is: the rules behind it, a pin it could not use, one sentence, and what to store. */
  private explained(
    d: Extract<Decision, { kind: 'routed' }>,
    request: RouteRequest,
    byText?: Extract<Decision, { kind: 'routed' }>,
  ): { ruleIgnored: IgnoredPin | null; explanation: string; details: DetailsToStore } {
    const matched = this.matchedRules(request);
    const ruleIgnored = ignoredPin(matched, d.model, d.excluded);
    // The weight the policy used: a rule's, else the request's, else its target's (or the configured target's) calibration.
    const explicit = composeRules(matched)?.then.costWeight ?? request.constraints.costWeight;
    const resolved = explicit === undefined ? this.targetResolution(request.target ?? this.deps.routing.target) : null;
    const costWeight = explicit ?? resolved?.costWeight ?? this.deps.routing.costWeight;
    const target = resolved ? targetLabel(resolved.target) : undefined;
    const onText = explainDecision(byText ?? d, { costWeight, defaultModel: this.deps.routing.defaultModel, ruleIgnored, ...(target ? { target } : {}) });
    // A kept session model is explained as such; the text's own verdict follows, so both are visible.
    const explanation = byText ? `${d.model}: kept for session follow-ups (its model so far); on the text alone: ${onText}` : onText;
    const ctx = { rulesMatched: matched.map((r) => r.name), ruleIgnored, costWeight, k: request.k ?? this.k, params: this.policyParams(), explanation };
    return { ruleIgnored, explanation, details: decisionDetails(d, request, ctx) };
  }

  private store(
    s: { id: string; hash: string; prompt: string; vector: Float32Array; routedOn: RoutedOn; cut: InputCut | undefined; details: DetailsToStore | undefined },
    d: Extract<Decision, { kind: 'routed' }>,
  ): void {
    const { id, hash, prompt, vector } = s;
    // The time of the decision, not of the (delayed) group commit that stores it.
    const createdAt = new Date().toISOString();
    const keep = this.deps.keepText ?? 'none';
    const write = this.deps.queue.run(() => this.deps.decisions.insert(
      {
        id,
        createdAt,
        promptHash: hash,
        promptText: this.deps.storePrompts ? prompt : null,
        // Redacted inside the group commit: bounded work (2,000 characters) off the response's path.
        keptText: keep === 'all' || (keep === 'uncovered' && !d.covered) ? textToKeep(prompt) : null,
        routedOn: s.routedOn,
        promptChars: prompt.length,
        ...(s.cut ? { embeddedChars: s.cut.toChars } : {}),
        chosenModel: d.model,
        reason: d.reason,
        covered: d.covered,
        topSimilarity: d.topSimilarity,
        confidence: d.confidence,
        // The neighbourhood it landed in, covered or not: the coverage report's per-intent covered rate
        // needs it. Read back, an uncovered decision still answers intent null (routes/decisions.ts).
        intent: d.nearestIntent ?? d.intent,
        neighborIds: d.evidence.map((e) => e.id),
        neighborSimilarities: d.evidence.map((e) => e.similarity),
        fallbacks: d.fallbacks,
        scores: d.scores,
        ...(s.details ? { details: s.details } : {}),
      },
      vector,
    ), { durable: false });
    write.then(
      (parts) => parts.committed(),
      (error: unknown) => this.deps.logger.error({ err: error, decisionId: id }, 'could not store a decision'),
    );
  }
}

function addInto(totals: Map<string, WinRecord>, d: { model: string } & WinRecord): void {
  const prev = totals.get(d.model) ?? { wins: 0, losses: 0, ties: 0 };
  totals.set(d.model, { wins: prev.wins + d.wins, losses: prev.losses + d.losses, ties: prev.ties + d.ties });
}

/**
 * No intent without evidence: an uncovered decision reports `intent: null` and the neighbours' vote
 * as `nearestIntent`; `empty` and `language` replace the generic uncovered reasons.
 */
function withCoverage(decision: Decision, coverage: CoverageVerdict): Decision {
  if (decision.kind !== 'routed') return decision;
  const byPrompt = coverage.reason === 'empty' || coverage.reason === 'language';
  const reason = byPrompt && (decision.reason === 'uncovered' || decision.reason === 'empty_index') ? coverage.reason : decision.reason;
  return {
    ...decision,
    reason,
    intent: decision.covered ? coverage.nearestIntent : null,
    nearestIntent: coverage.nearestIntent,
    nearestSimilarity: coverage.nearestSimilarity,
    coverageScore: coverage.score,
    coverageThreshold: coverage.threshold,
  };
}

function pickMetadata(r: RouteRequest): { tier?: string; tags?: readonly string[] } {
  return { ...(r.tier !== undefined ? { tier: r.tier } : {}), ...(r.tags !== undefined ? { tags: r.tags } : {}) };
}

/** A short, stable hash that lets logs and decisions be joined without keeping the prompt. */
export function promptHash(prompt: string): string {
  return createHash('sha256').update(prompt).digest('hex').slice(0, 16);
}
