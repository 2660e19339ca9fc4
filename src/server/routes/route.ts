import { Hono } from 'hono';
import type { RouteResult } from '../../routing/router.js';
import type { Decision } from '../../routing/types.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { RouteRequestSchema, RouteResponseSchema, type RouteRequestBody, type RouteResponse } from '../schemas.js';
import { parseJsonBody } from '../validate.js';
import { lastUserText, SESSION_HEADER, sessionOf, turnsOf } from '../../routing/conversation.js';

export const routeRoutes = (deps: AppDeps) => {
  const known = new Set(deps.catalog.map((m) => m.id));
  return new Hono<AppEnv>().post('/route', async (c) => {
    const body = await parseJsonBody(c, RouteRequestSchema);
    rejectUnknownModels(body.models, known);
    const conversation = body.messages ? turnsOf(body.messages) : undefined;
    const prompt = promptOf(body);
    const session = sessionOf(c.req.header(SESSION_HEADER) ?? body.session, body.user, body.messages ?? []);
    const result = await deps.router.route({
      prompt,
      ...(conversation ? { conversation } : {}),
      ...(session ? { session } : {}),
      k: body.k,
      ...(body.target !== undefined ? { target: body.target } : {}),
      ...(body.tier !== undefined ? { tier: body.tier } : {}),
      ...(body.tags !== undefined ? { tags: body.tags } : {}),
      constraints: { models: body.models, maxPricePer1M: body.maxPricePer1M, costWeight: body.costWeight },
      signal: c.req.raw.signal,
    });
    const d = result.decision;
    if (d.kind === 'no_eligible_model') {
      const why = d.excluded.map((e) => `${e.model}: ${e.why}`);
      throw new AppError('NO_ELIGIBLE_MODEL', `no catalog model satisfies the request (${why.join(', ')})`);
    }
    deps.metrics.recordDecision({ model: d.model, reason: d.reason, covered: d.covered, ...result.timings });
    Object.assign(c.get('event'), {
      decision_id: result.decisionId,
      model: d.model,
      reason: d.reason,
      basis: d.basis,
      covered: d.covered,
      explored: d.explored,
      rule: d.rule,
      rule_ignored: result.ruleIgnored?.model,
      top_similarity: d.topSimilarity,
      intent: d.intent,
      nearest_intent: d.nearestIntent ?? null,
      embed_ms: round(result.timings.embedMs),
      search_ms: round(result.timings.searchMs),
      routed_on: result.routedOn.source,
      prompt_chars: result.routedOn.chars,
      ...(result.inputTruncated ? { embedded_chars: result.inputTruncated.toChars } : {}),
      prompt_hash: result.promptHash,
      ...(deps.includePrompts ? { prompt } : {}),
    });
    const truncated = result.inputTruncated ? { inputTruncated: result.inputTruncated } : {};
    const explanation = body.explain && result.explanation !== null ? { explanation: result.explanation } : {};
    return c.json(RouteResponseSchema.parse({ ...toResponse(result, d, body.explain), ...truncated, ...explanation }));
  });
};

/** A messages request's rule text: its last user turn ('' with none: a system prompt is not the user's text). */
export function promptOf(body: Pick<RouteRequestBody, 'prompt' | 'messages'>): string {
  return body.prompt ?? lastUserText(turnsOf(body.messages ?? []));
}

function rejectUnknownModels(models: readonly string[] | undefined, known: ReadonlySet<string>): void {
  const details = (models ?? []).flatMap((id, i) => (known.has(id) ? [] : [{ path: `models.${i}`, message: `unknown model '${id}'` }]));
  if (details.length > 0) {
    throw new AppError('VALIDATION_FAILED', `unknown model(s); the catalog has: ${[...known].join(', ')}`, details);
  }
}

function toResponse(result: RouteResult, d: Extract<Decision, { kind: 'routed' }>, explain: boolean): RouteResponse {
  return {
    decisionId: result.decisionId,
    model: d.model,
    fallbacks: [...d.fallbacks],
    confidence: d.confidence,
    explored: d.explored,
    rule: d.rule,
    covered: d.covered,
    reason: d.reason,
    basis: d.basis,
    gain: d.gain,
    rankingIntent: d.rankingIntent ?? null,
    intent: d.intent,
    nearestIntent: d.nearestIntent ?? null,
    nearestSimilarity: d.nearestSimilarity ?? null,
    topSimilarity: d.topSimilarity,
    coverageScore: d.coverageScore ?? null,
    coverageThreshold: d.coverageThreshold,
    scores: [...d.scores],
    excluded: [...d.excluded],
    timings: result.timings,
    routedOn: result.routedOn,
    ruleIgnored: result.ruleIgnored,
    ...(explain
      ? {
          neighbors: d.evidence.map((e) => ({
            id: e.id,
            text: e.text ?? '',
            intent: e.intent,
            similarity: e.similarity,
            records: Object.fromEntries(e.records),
          })),
        }
      : {}),
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
