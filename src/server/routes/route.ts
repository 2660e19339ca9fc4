import { Hono } from 'hono';
import type { Decision } from '../../routing/types.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { RouteRequestSchema, RouteResponseSchema, type RouteRequestBody, type RouteResponse } from '../schemas.js';
import { parseJsonBody } from '../validate.js';

export const routeRoutes = (deps: AppDeps) => {
  const known = new Set(deps.catalog.map((m) => m.id));
  return new Hono<AppEnv>().post('/route', async (c) => {
    const body = await parseJsonBody(c, RouteRequestSchema);
    rejectUnknownModels(body.models, known);
    const prompt = promptOf(body);
    const result = await deps.router.route({
      prompt,
      k: body.k,
      ...(body.tier !== undefined ? { tier: body.tier } : {}),
      ...(body.tags !== undefined ? { tags: body.tags } : {}),
      constraints: { models: body.models, maxPricePer1M: body.maxPricePer1M, costWeight: body.costWeight },
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
      covered: d.covered,
      explored: d.explored,
      rule: d.rule,
      top_similarity: d.topSimilarity,
      intent: d.intent,
      embed_ms: round(result.timings.embedMs),
      search_ms: round(result.timings.searchMs),
      prompt_chars: prompt.length,
      prompt_hash: result.promptHash,
      ...(deps.includePrompts ? { prompt } : {}),
    });
    return c.json(RouteResponseSchema.parse(toResponse(result.decisionId, d, result.timings, body.explain)));
  });
};

/** A messages request is routed on its last user turn: that is what the next answer must serve. */
export function promptOf(body: Pick<RouteRequestBody, 'prompt' | 'messages'>): string {
  if (body.prompt !== undefined) return body.prompt;
  const messages = body.messages ?? [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user') ?? messages.at(-1);
  const content = lastUser?.content ?? '';
  return typeof content === 'string' ? content : (content ?? []).map((p) => p.text ?? '').join('\n');
}

function rejectUnknownModels(models: readonly string[] | undefined, known: ReadonlySet<string>): void {
  const details = (models ?? []).flatMap((id, i) => (known.has(id) ? [] : [{ path: `models.${i}`, message: `unknown model '${id}'` }]));
  if (details.length > 0) {
    throw new AppError('VALIDATION_FAILED', `unknown model(s); the catalog has: ${[...known].join(', ')}`, details);
  }
}

function toResponse(decisionId: string, d: Extract<Decision, { kind: 'routed' }>, timings: RouteResponse['timings'], explain: boolean): RouteResponse {
  return {
    decisionId,
    model: d.model,
    fallbacks: [...d.fallbacks],
    confidence: d.confidence,
    explored: d.explored,
    rule: d.rule,
    covered: d.covered,
    reason: d.reason,
    intent: d.intent,
    topSimilarity: d.topSimilarity,
    coverageThreshold: d.coverageThreshold,
    scores: [...d.scores],
    excluded: [...d.excluded],
    timings,
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
