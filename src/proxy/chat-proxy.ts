import { blendedPricePer1M } from '../config/catalog.js';
import type { CatalogModel, ProxyConfig } from '../config/schema.js';
import type { Learner } from '../routing/learner.js';
import type { Router } from '../routing/router.js';
import type { Decision } from '../routing/types.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { SqliteSpendStore } from '../store/spend-store.js';
import type { WriteQueue } from '../store/write-queue.js';
import { checkAnswer } from './answer-check.js';
import { budgetState, pressuredCostWeight } from './budget.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { planAttempts, strongerThan, targetOf, type Plan } from './plan.js';
import { usageOf, watchUsage, type Usage } from './stream-usage.js';
import { callUpstream } from './upstream.js';

export interface ChatProxyDeps {
  readonly router: () => Router;
  readonly learner: Learner;
  readonly catalog: () => readonly CatalogModel[];
  readonly config: () => ProxyConfig;
  /** Upstream API keys by model id, read from the environment at start; never logged. */
  readonly upstreamKeys: ReadonlyMap<string, string | undefined>;
  readonly breaker: CircuitBreaker;
  readonly spend: SqliteSpendStore;
  readonly queue: WriteQueue;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export type ChatBody = Record<string, unknown> & { model: string; messages: readonly unknown[] };

export type ChatResult =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown; readonly headers: Record<string, string> }
  | { readonly kind: 'raw'; readonly status: number; readonly body: string; readonly contentType: string; readonly headers: Record<string, string> }
  | { readonly kind: 'stream'; readonly body: ReadableStream<Uint8Array>; readonly headers: Record<string, string> };

/**
 * The front door: routes a chat request, calls the chosen model's upstream, retries and falls back
 * on failures within a deadline, escalates once to a stronger model on low confidence or a failed
 * answer check, keeps budgets, and records every attempt as an outcome.
 */
export class ChatProxy {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: ChatProxyDeps) {}

  async complete(body: ChatBody, apiKey: string | null, prompt: string): Promise<ChatResult> {
    const cfg = this.deps.config();
    const budget = budgetState(cfg.budgets, this.deps.spend, apiKey, new Date());
    const target = targetOf(body.model, this.deps.catalog());
    const allowed = this.allowedModels(target.concrete, budget.exhausted, cfg, budget.tightest);
    const costWeight = pressuredCostWeight(target.costWeight ?? this.deps.router().costWeight, budget, cfg.budgets.pressure);
    const routed = await this.deps.router().route({ prompt, constraints: { models: allowed, costWeight } });
    const decision = routed.decision;
    if (decision.kind !== 'routed') throw new AppError('NO_ELIGIBLE_MODEL', 'no callable catalog model satisfies the request');
    const escalate = cfg.escalation.enabled || body['router_escalate'] === true;
    const plan = planAttempts(decision, { escalate, minConfidence: cfg.escalation.minConfidence, ...(target.concrete !== undefined ? { pinned: target.concrete } : {}) });
    if (plan.escalated) this.deps.metrics.escalations.inc({ reason: 'low_confidence' });
    return this.attempt(body, plan, { decisionId: routed.decisionId, decision, apiKey, escalate });
  }

  /** Resolves when every fire-and-forget outcome and spend write so far has committed. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private allowedModels(concrete: string | undefined, exhausted: boolean, cfg: ProxyConfig, tightest: string | null): string[] {
    const callable = this.deps.catalog().filter((m) => m.upstream !== undefined);
    // A concrete model is still routed over every callable model: the scores tell escalation which is stronger.
    if (concrete !== undefined && !callable.some((m) => m.id === concrete)) {
      throw new AppError('VALIDATION_FAILED', `model '${concrete}' has no upstream configured`);
    }
    const open = callable.filter((m) => !this.deps.breaker.isOpen(m.id));
    const candidates = open.length > 0 ? open : callable;
    if (!exhausted) return candidates.map((m) => m.id);
    if (cfg.budgets.onExhausted === 'reject') throw new AppError('BUDGET_EXHAUSTED', `the ${tightest ?? 'budget'} is used up`);
    const cheapest = [...candidates].sort((a, b) => blendedPricePer1M(a, 1000, 500) - blendedPricePer1M(b, 1000, 500))[0];
    return cheapest ? [cheapest.id] : [];
  }

  private async attempt(body: ChatBody, plan: Plan, ctx: AttemptContext): Promise<ChatResult> {
    const cfg = this.deps.config();
    const deadline = Date.now() + cfg.deadlineMs;
    const order = [...plan.order];
    const failures: string[] = [];
    let checkEscalated = false;
    for (let i = 0; i < order.length && i < cfg.maxAttempts; i++) {
      const model = order[i] ?? '';
      if (i > 0 && this.deps.breaker.isOpen(model)) continue;
      if (i > 0) this.deps.metrics.fallbacks.inc({ model });
      for (let retry = 0; retry <= cfg.retries; retry++) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        const result = await this.callOnce(model, body, remaining);
        if (result.kind === 'caller_error') return { kind: 'raw', status: result.status, body: result.body, contentType: result.contentType, headers: headersOf(ctx, model, i, plan) };
        if (result.kind === 'stream') return this.streamed(result.response, model, i, plan, ctx, result.startedAt);
        if (result.kind === 'ok') {
          const check = checkAnswer(body['response_format'], contentOf(result.body));
          const stronger = !check.ok && ctx.escalate && !checkEscalated ? strongerThan(ctx.decision, model) : undefined;
          if (!check.ok && stronger !== undefined) {
            checkEscalated = true;
            this.deps.metrics.escalations.inc({ reason: 'answer_check' });
            this.recordAttempt(ctx, model, false, Date.now() - result.startedAt, null);
            order.splice(i + 1, 0, stronger);
            failures.push(`${model}: ${check.ok ? '' : check.reason}`);
            break;
          }
          this.recordAttempt(ctx, model, true, Date.now() - result.startedAt, usageOf(result.body));
          const headers = { ...headersOf(ctx, model, i, plan), ...(checkEscalated ? { 'x-semroute-escalated': 'answer_check' } : {}), ...(check.ok ? {} : { 'x-semroute-check': 'failed' }) };
          return { kind: 'json', status: result.status, body: { ...result.body, model }, headers };
        }
        failures.push(`${model}: ${result.reason}`);
        this.recordAttempt(ctx, model, false, Date.now() - result.startedAt, null);
        if (this.deps.breaker.failure(model)) this.deps.metrics.cooldowns.inc({ model });
        if (retry < cfg.retries) await sleep(Math.min(cfg.backoffMs * 2 ** retry, Math.max(0, deadline - Date.now())));
      }
    }
    throw new AppError('UPSTREAM_FAILED', `no upstream answered within the deadline: ${failures.join('; ') || 'every candidate is in cooldown'}`);
  }

  private async callOnce(model: string, body: ChatBody, remainingMs: number) {
    const entry = this.deps.catalog().find((m) => m.id === model);
    const upstream = entry?.upstream;
    const startedAt = Date.now();
    if (!upstream) return { kind: 'retryable' as const, reason: 'no upstream configured', startedAt };
    const stream = body['stream'] === true;
    const { router_escalate: _ignored, ...rest } = body;
    const upstreamBody = { ...rest, model: upstream.model ?? model, ...(stream ? { stream_options: { include_usage: true } } : {}) };
    const result = await callUpstream({
      url: `${upstream.baseUrl.replace(/\/+$/, '')}/chat/completions`,
      apiKey: this.deps.upstreamKeys.get(model),
      body: upstreamBody,
      timeoutMs: Math.min(upstream.timeoutMs, remainingMs),
      stream,
    });
    this.deps.metrics.attempts.inc({ model, result: result.kind });
    return { ...result, startedAt };
  }

  private streamed(response: Response, model: string, index: number, plan: Plan, ctx: AttemptContext, startedAt: number): ChatResult {
    const source = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const body = watchUsage(source, (usage, failed) => this.recordAttempt(ctx, model, !failed, Date.now() - startedAt, usage));
    return { kind: 'stream', body, headers: headersOf(ctx, model, index, plan) };
  }

  /** Every attempt becomes an outcome (failures count against the model here) and, with usage, spend. */
  private recordAttempt(ctx: AttemptContext, model: string, ok: boolean, latencyMs: number, usage: Usage | null): void {
    if (ok) this.deps.breaker.success(model);
    const entry = this.deps.catalog().find((m) => m.id === model);
    const costUsd = usage && entry ? (usage.promptTokens * entry.inputPricePer1M + usage.completionTokens * entry.outputPricePer1M) / 1e6 : undefined;
    const write = (async () => {
      const record = { decisionId: ctx.decisionId, model, kind: 'success' as const, value: ok ? 1 : 0, latencyMs, source: 'proxy', durable: false };
      await this.deps.learner.record({ ...record, ...(costUsd !== undefined ? { costUsd } : {}) });
      if (costUsd !== undefined) {
        await this.deps.queue.run(() => this.deps.spend.add({ apiKey: ctx.apiKey, model, usd: costUsd, at: new Date() }), { durable: false });
        this.deps.metrics.spend.inc({ model, key: ctx.apiKey ?? 'anonymous' }, costUsd);
      }
    })().catch((error: unknown) => this.deps.logger.error({ err: error, model }, 'could not record a proxy attempt'));
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }
}

interface AttemptContext {
  readonly decisionId: string;
  readonly decision: Extract<Decision, { kind: 'routed' }>;
  readonly apiKey: string | null;
  readonly escalate: boolean;
}

function headersOf(ctx: AttemptContext, model: string, index: number, plan: Plan): Record<string, string> {
  return {
    'x-semroute-decision-id': ctx.decisionId,
    'x-semroute-model': model,
    'x-semroute-reason': ctx.decision.reason,
    'x-semroute-covered': String(ctx.decision.covered),
    'x-semroute-fallbacks': String(index),
    ...(ctx.decision.rule !== null ? { 'x-semroute-rule': ctx.decision.rule } : {}),
    ...(plan.escalated ? { 'x-semroute-escalated': 'low_confidence' } : {}),
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
