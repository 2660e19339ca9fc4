import { Hono } from 'hono';
import { AppError } from '../../shared/errors.js';
import type { StoredDecision } from '../../store/decision-store.js';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { DecisionDetailsSchema, DecisionResponseSchema } from '../outcome-schemas.js';
import { RoutedOnSchema } from '../schemas.js';

export const decisionRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().get('/decisions/:id', (c) => {
    const id = c.req.param('id');
    // A decision made a moment ago may still be waiting in the group-commit queue.
    const d = deps.decisions.get(id) ?? (deps.queue.flush(), deps.decisions.get(id));
    if (!d) throw new AppError('NOT_FOUND', `no decision with id ${id}`);
    const details = d.details === undefined ? null : DecisionDetailsSchema.parse(d.details);
    const atDecision = new Map(details?.neighbours.map((n) => [n.id, n]) ?? []);
    const refs = deps.references.references(d.neighborIds);
    const evidence = d.neighborIds.map((rid, i) => ({
      id: rid,
      similarity: d.neighborSimilarities[i] ?? 0,
      text: refs.get(rid)?.text ?? null,
      intent: atDecision.get(rid)?.intent ?? refs.get(rid)?.intent ?? null,
      records: atDecision.get(rid)?.records ?? null,
    }));
    const outcomes = deps.outcomes.forDecision(id).map((o) => ({
      id: o.id,
      model: o.model,
      kind: o.kind,
      value: o.value,
      opponent: o.opponent,
      latencyMs: o.latencyMs,
      costUsd: o.costUsd,
      source: o.source,
      createdAt: o.createdAt,
    }));
    return c.json(DecisionResponseSchema.parse({ ...summary(d), evidence, outcomes, ...explained(details) }));
  });

function summary(d: StoredDecision) {
  return {
    id: d.id,
    createdAt: d.createdAt,
    promptHash: d.promptHash,
    promptText: d.promptText,
    model: d.chosenModel,
    reason: d.reason,
    covered: d.covered,
    confidence: d.confidence,
    topSimilarity: d.topSimilarity,
    // Stored is the nearest intent; as at decision time, an uncovered decision has no intent.
    intent: d.covered ? d.intent : null,
    nearestIntent: d.intent,
    fallbacks: d.fallbacks,
    // Stored as JSON in routed_on; a row from before it was kept (or unreadable) answers null.
    routedOn: RoutedOnSchema.safeParse(d.routedOn).data ?? null,
    embeddedChars: d.embeddedChars ?? null,
    scores: d.scores,
  };
}

/** The stored explanation, or nulls for a decision stored before details were kept. */
function explained(details: ReturnType<typeof DecisionDetailsSchema.parse> | null) {
  const { neighbours: _neighbours, ...rest } = details ?? {
    neighbours: [],
    explanation: null,
    rule: null,
    rulesMatched: null,
    ruleIgnored: null,
    excluded: null,
    coverageThreshold: null,
    costWeight: null,
    constraints: null,
    tier: null,
    tags: null,
    k: null,
    params: null,
  };
  return rest;
}
