import { blendedPricePer1M } from '../config/catalog.js';
import type { CatalogModel, ProxyConfig, RoutingConfig } from '../config/schema.js';
import type { Router } from '../routing/router.js';
import type { Decision } from '../routing/types.js';
import { AppError } from '../shared/errors.js';
import type { ModelAttemptStats } from '../store/attempt-store.js';
import type { Metrics } from '../shared/metrics.js';
import { checkAnswer, hasAnswerCheck } from './answer-check.js';
import type { AttemptLog } from './attempt-log.js';
import { pressuredCostWeight, type BudgetLedger, type Reservation } from './budget.js';
import { conversationTokens, expectedOutputTokens, routeInputOf, type ChatRequest } from './chat-request.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { planAttempts, strongerThan, targetOf, type Plan } from './plan.js';
import { HeldModelError, noUpstreamError } from './proxy-errors.js';
import { runAttempt, type AttemptOutcome } from './run-attempt.js';
import { VERDICT_TABLE } from './verdict.js';
import type { UpstreamError } from './upstream.js';

export interface ChatProxyDeps {
  readonly router: () => Router;
  readonly catalog: () => readonly CatalogModel[];
  readonly config: () => ProxyConfig;
  readonly routing: () => RoutingConfig;
  /** The API key for a model's upstream: its current catalog entry's apiKeyEnv, read from the environment; never logged. */
  readonly upstreamKey: (model: string) => string | undefined;
  readonly breaker: CircuitBreaker;
  readonly ledger: BudgetLedger;
  readonly log: AttemptLog;
  readonly metrics: Metrics;
}

type Headers = Record<string, string>;

export type ChatResult =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown; readonly headers: Headers }
  | { readonly kind: 'upstream_error'; readonly error: UpstreamError; readonly headers: Headers }
  | { readonly kind: 'stream'; readonly body: ReadableStream<Uint8Array>; readonly headers: Headers }
  /** The client hung up; nobody reads the answer. */
  | { readonly kind: 'cancelled' };

/** The attempt loop's state across models. */
interface Loop {
  readonly order: string[];
  readonly failures: string[];
  passBack?: { readonly error: UpstreamError; readonly model: string };
  minWindow: number;
  checkEscalated: boolean;
  tried: number;
  /** The shortest Retry-After hold among the models skipped for one. */
  heldMs: number;
}

type Step = { readonly kind: 'answer'; readonly result: ChatResult } | { readonly kind: 'retry' } | { readonly kind: 'next' };

interface Attempting {
  readonly request: ChatRequest;
  readonly decisionId: string;
  readonly decision: Extract<Decision, { kind: 'routed' }>;
  readonly apiKey: string | null;
  readonly escalate: boolean;
  readonly pinned: boolean;
  readonly plan: Plan;
  readonly promptTokens: number;
  readonly reservation: Reservation;
  readonly signal: AbortSignal | undefined;
}

/**
 * The front door: admits a chat request against its budgets, routes it, and calls upstreams in
 * order. Each call's result arrives as one verdict (verdict.ts); this loop only acts on it.
 */
export class ChatProxy {
  constructor(private readonly deps: ChatProxyDeps) {}

  async complete(request: ChatRequest, apiKey: string | null, signal?: AbortSignal): Promise<ChatResult> {
    const cfg = this.deps.config();
    const target = targetOf(request.view.model, this.deps.catalog());
    const promptTokens = conversationTokens(request.relayed);
    const outputTokens = expectedOutputTokens(request.relayed, this.deps.routing().expectedOutputTokens);
    // Admission and the hold happen in one synchronous step: no other request can slip in between.
    const budget = this.deps.ledger.state(apiKey, new Date());
    const allowed = this.allowedModels(target.concrete, budget.exhausted, budget.tightest);
    const reservation = this.deps.ledger.reserve(apiKey, Math.max(0, ...allowed.map((m) => expectedCost(m, promptTokens, outputTokens))));
    try {
      const router = this.deps.router();
      const baseWeight = target.costWeight ?? router.targetResolution(request.view.router_target)?.costWeight ?? router.costWeight;
      const costWeight = pressuredCostWeight(baseWeight, budget, cfg.budgets.pressure);
      const constraints = { models: allowed.map((m) => m.id), costWeight, inputTokens: promptTokens, outputTokens };
      const routed = await this.deps.router().route({ ...routeInputOf(request), constraints });
      const decision = routed.decision;
      if (decision.kind !== 'routed') throw new AppError('NO_ELIGIBLE_MODEL', `no callable catalog model can take this request (${decision.excluded.map((e) => `${e.model}: ${e.why}`).join(', ')})`);
      const chosen = allowed.find((m) => m.id === decision.model);
      if (chosen) this.deps.ledger.resize(reservation, expectedCost(chosen, promptTokens, outputTokens));
      const escalate = cfg.escalation.enabled || request.view.router_escalate === true;
      const pinned = target.concrete;
      const plan = planAttempts(decision, { escalate, minConfidence: cfg.escalation.minConfidence, ...(pinned !== undefined ? { pinned } : {}) });
      if (plan.escalated) this.deps.metrics.escalations.inc({ reason: 'low_confidence' });
      const context = { request, decisionId: routed.decisionId, decision, apiKey, escalate, pinned: pinned !== undefined, plan, promptTokens, reservation, signal };
      return await this.attempt(context);
    } catch (error) {
      this.deps.log.settle(reservation);
      throw error;
    }
  }

  /** Resolves when every attempt, outcome and spend write so far has committed. */
  idle(): Promise<void> {
    return this.deps.log.idle();
  }

  /** Per-model reliability from the attempt log, for /v1/models. */
  attemptStats(): ModelAttemptStats[] {
    return this.deps.log.stats();
  }

  private allowedModels(concrete: string | undefined, exhausted: boolean, tightest: string | null): CatalogModel[] {
    const callable = this.deps.catalog().filter((m) => m.upstream !== undefined);
    if (callable.length === 0) throw noUpstreamError();
    if (concrete !== undefined && !callable.some((m) => m.id === concrete)) {
      throw new AppError('VALIDATION_FAILED', `model '${concrete}' has no upstream: set catalog[].upstream.baseUrl for it in the config`, [{ path: 'model', message: 'no upstream configured' }]);
    }
    // A concrete model is still routed over every callable model: the scores tell escalation which is stronger.
    const open = callable.filter((m) => !this.deps.breaker.isOpen(m.id));
    const candidates = open.length > 0 ? open : callable;
    if (!exhausted) return candidates;
    if (this.deps.config().budgets.onExhausted === 'reject') throw new AppError('BUDGET_EXHAUSTED', `the ${tightest ?? 'budget'} is used up`);
    const cheapest = [...candidates].sort((a, b) => blendedPricePer1M(a, 1000, 500) - blendedPricePer1M(b, 1000, 500))[0];
    return cheapest ? [cheapest] : [];
  }

  /** Calls the plan's models in order, retrying and falling back as each verdict says. */
  private async attempt(ctx: Attempting): Promise<ChatResult> {
    const cfg = this.deps.config();
    const deadline = Date.now() + cfg.deadlineMs;
    const loop: Loop = { order: [...ctx.plan.order], failures: [], minWindow: 0, checkEscalated: false, tried: 0, heldMs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < loop.order.length && loop.tried < cfg.maxAttempts; i++) {
      const model = loop.order[i] ?? '';
      const entry = this.deps.catalog().find((m) => m.id === model);
      const held = this.deps.breaker.heldFor(model);
      if (held > 0) {
        if (ctx.pinned) throw new HeldModelError(model, held);
        loop.heldMs = Math.min(loop.heldMs, held);
        loop.failures.push(`${model}: waiting out its Retry-After`);
        continue;
      }
      if (!entry || entry.contextWindow < loop.minWindow || (loop.tried > 0 && this.deps.breaker.isOpen(model))) continue;
      if (loop.tried > 0) this.deps.metrics.fallbacks.inc({ model });
      loop.tried += 1;
      for (let retry = 0; retry <= cfg.retries && Date.now() < deadline; retry++) {
        const remaining = deadline - Date.now();
        const timeoutMs = Math.min(entry.upstream?.timeoutMs ?? remaining, remaining);
        const outcome = await runAttempt({ ...ctx, model, entry, timeoutMs, upstreamKey: this.deps.upstreamKey(model), log: this.deps.log, streamEnded: (end) => this.streamEnded(model, end) });
        const step = this.act(ctx, outcome, { loop, model, entry, at: i, retriesLeft: cfg.retries - retry });
        if (step.kind === 'answer') return step.result;
        if (step.kind === 'next') break;
        await sleep(Math.min(cfg.backoffMs * 2 ** retry, Math.max(0, deadline - Date.now())));
      }
    }
    return this.exhausted(ctx, loop);
  }

  /** What the loop does with one verdict: answer the client, retry the same model, or move on. */
  private act(ctx: Attempting, outcome: AttemptOutcome, s: { loop: Loop; model: string; entry: CatalogModel; at: number; retriesLeft: number }): Step {
    const { verdict } = outcome;
    const { loop, model } = s;
    if (VERDICT_TABLE[verdict.kind].cooldown && this.deps.breaker.failure(model)) this.deps.metrics.cooldowns.inc({ model });
    const answer = (result: ChatResult): Step => ({ kind: 'answer', result });
    switch (verdict.kind) {
      case 'ok': {
        this.deps.breaker.success(model);
        const checked = this.checked(ctx, outcome, { model, checkEscalated: loop.checkEscalated });
        if (checked.escalateTo === undefined) return answer(this.answer(ctx, outcome, { model, fallbacks: loop.tried - 1, check: checked.check, checkEscalated: loop.checkEscalated }));
        loop.checkEscalated = true;
        loop.order.splice(s.at + 1, 0, checked.escalateTo);
        loop.failures.push(`${model}: answer check failed`);
        return { kind: 'next' };
      }
      case 'cancelled':
        this.deps.log.settle(ctx.reservation, outcome.written);
        return answer({ kind: 'cancelled' });
      case 'caller_fault':
        return answer(this.passBack(ctx, outcome.error, model, loop.tried - 1));
      case 'retry_after':
      case 'deployment_fault':
        if (verdict.kind === 'retry_after') this.deps.breaker.hold(model, verdict.ms);
        if (ctx.pinned) return answer(this.passBack(ctx, outcome.error, model, loop.tried - 1));
        loop.failures.push(`${model}: ${verdict.kind === 'retry_after' ? `Retry-After ${verdict.ms} ms` : `upstream answered ${verdict.status}`}`);
        return { kind: 'next' };
      case 'context_too_long':
        if (ctx.pinned) return answer(this.passBack(ctx, outcome.error, model, loop.tried - 1));
        if (outcome.error) loop.passBack = { error: outcome.error, model };
        loop.minWindow = s.entry.contextWindow + 1;
        loop.failures.push(`${model}: context_length_exceeded`);
        return { kind: 'next' };
      case 'transient':
      case 'stream_failed_before_content':
      case 'stream_broken':
        loop.failures.push(`${model}: ${verdict.reason}`);
        return verdict.kind === 'transient' && s.retriesLeft > 0 ? { kind: 'retry' } : { kind: 'next' };
    }
  }

  /** Nothing answered: the last context-length error as-is, a 429 when every model is held, else a 502. */
  private exhausted(ctx: Attempting, loop: Loop): ChatResult {
    if (loop.passBack) return this.passBack(ctx, loop.passBack.error, loop.passBack.model, loop.tried - 1);
    this.deps.log.settle(ctx.reservation);
    if (loop.tried === 0 && Number.isFinite(loop.heldMs)) throw new HeldModelError('every eligible model', loop.heldMs);
    throw new AppError('UPSTREAM_FAILED', `no upstream answered: ${loop.failures.join('; ') || 'every candidate is in cooldown'}`);
  }

  private streamEnded(model: string, end: 'ok' | 'stream_broken' | 'cancelled'): void {
    if (end === 'stream_broken' && this.deps.breaker.failure(model)) this.deps.metrics.cooldowns.inc({ model });
  }

  /** Runs the answer check where the request asked for structured output; says whether to escalate. */
  private checked(ctx: Attempting, outcome: AttemptOutcome, at: { model: string; checkEscalated: boolean }): { check: 'passed' | 'failed' | undefined; escalateTo?: string } {
    const format = ctx.request.relayed.fields['response_format'];
    if (outcome.json === undefined || !hasAnswerCheck(format)) return { check: undefined };
    const result = checkAnswer(format, contentOf(outcome.json));
    this.deps.log.answerCheck({ decisionId: ctx.decisionId, model: at.model, passed: result.ok, latencyMs: outcome.latencyMs });
    if (result.ok) return { check: 'passed' };
    const stronger = ctx.escalate && !at.checkEscalated ? strongerThan(ctx.decision, at.model) : undefined;
    if (stronger !== undefined) this.deps.metrics.escalations.inc({ reason: 'answer_check' });
    return stronger === undefined ? { check: 'failed' } : { check: 'failed', escalateTo: stronger };
  }

  private answer(ctx: Attempting, outcome: AttemptOutcome, at: { model: string; fallbacks: number; check: 'passed' | 'failed' | undefined; checkEscalated: boolean }): ChatResult {
    const headers = {
      ...headersOf(ctx, at.model, at.fallbacks),
      ...(at.checkEscalated ? { 'x-semroute-escalated': 'answer_check' } : {}),
      ...(at.check !== undefined ? { 'x-semroute-check': at.check } : {}),
    };
    this.deps.log.settle(ctx.reservation, outcome.written);
    if (outcome.stream) return { kind: 'stream', body: outcome.stream, headers };
    return { kind: 'json', status: 200, body: { ...outcome.json, model: at.model }, headers };
  }

  private passBack(ctx: Attempting, error: UpstreamError | undefined, model: string, fallbacks: number): ChatResult {
    this.deps.log.settle(ctx.reservation);
    if (!error) throw new AppError('UPSTREAM_FAILED', `${model} failed without an answer to pass back`);
    return { kind: 'upstream_error', error, headers: headersOf(ctx, model, fallbacks) };
  }
}

/** Expected USD of a request on a model: its input tokens and expected output at list prices. */
function expectedCost(model: CatalogModel, inputTokens: number, outputTokens: number): number {
  return (inputTokens * model.inputPricePer1M + outputTokens * model.outputPricePer1M) / 1e6;
}

function headersOf(ctx: Attempting, model: string, fallbacks: number): Headers {
  return {
    'x-semroute-decision-id': ctx.decisionId,
    'x-semroute-model': model,
    'x-semroute-reason': ctx.decision.reason,
    'x-semroute-covered': String(ctx.decision.covered),
    'x-semroute-fallbacks': String(fallbacks),
    ...(ctx.decision.rule !== null ? { 'x-semroute-rule': ctx.decision.rule } : {}),
    ...(ctx.plan.escalated ? { 'x-semroute-escalated': 'low_confidence' } : {}),
  };
}

function contentOf(body: Record<string, unknown>): unknown {
  const choices = body['choices'];
  if (!Array.isArray(choices)) return undefined;
  const first: unknown = choices[0];
  if (typeof first !== 'object' || first === null || !('message' in first)) return undefined;
  const message = first.message;
  return typeof message === 'object' && message !== null && 'content' in message ? message.content : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
