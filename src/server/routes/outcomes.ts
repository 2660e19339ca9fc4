import { Hono } from 'hono';
import type { OutcomeReport } from '../../routing/learner.js';
import { AppError } from '../../shared/errors.js';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { OutcomeRequestSchema, OutcomeResponseSchema, type OutcomeRequest } from '../outcome-schemas.js';
import { parseJsonBody } from '../validate.js';

export const outcomeRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().post('/outcomes', async (c) => {
    const body = await parseJsonBody(c, OutcomeRequestSchema);
    const known = new Set(deps.catalog.map((m) => m.id));
    for (const [path, id] of [['model', body.model], ['outcome.opponent', 'opponent' in body.outcome ? body.outcome.opponent : undefined]] as const) {
      if (id !== undefined && !known.has(id)) throw new AppError('VALIDATION_FAILED', `unknown model '${id}'`, [{ path, message: `unknown model '${id}'` }]);
    }
    const header = c.req.header('idempotency-key');
    const report = toReport(body, body.idempotencyKey ?? header);
    const result = await deps.learner.record(report);
    if (!result.duplicate) deps.metrics.recordOutcome(body.model, report.value);
    Object.assign(c.get('event'), { outcome_id: result.outcomeId, duplicate: result.duplicate, model: body.model, decision_id: body.decisionId });
    // Answered only now: the write above resolved after its transaction committed.
    return c.json(OutcomeResponseSchema.parse(result), result.duplicate ? 200 : 201);
  });

function toReport(body: OutcomeRequest, idempotencyKey: string | undefined): OutcomeReport {
  const o = body.outcome;
  const fact =
    'success' in o
      ? { kind: 'success' as const, value: o.success ? 1 : 0 }
      : 'score' in o
        ? { kind: 'score' as const, value: o.score }
        : { kind: 'pairwise' as const, value: o.result === 'win' ? 1 : o.result === 'tie' ? 0.5 : 0, opponent: o.opponent };
  return {
    ...fact,
    model: body.model,
    ...(body.decisionId !== undefined ? { decisionId: body.decisionId } : {}),
    ...(body.prompt !== undefined ? { prompt: body.prompt } : {}),
    ...(body.latencyMs !== undefined ? { latencyMs: body.latencyMs } : {}),
    ...(body.costUsd !== undefined ? { costUsd: body.costUsd } : {}),
    ...(body.source !== undefined ? { source: body.source } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  };
}
