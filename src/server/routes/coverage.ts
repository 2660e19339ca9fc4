import { Hono } from 'hono';
import { z } from 'zod';
import { buildCoverageReport } from '../../coverage/build-report.js';
import { CoverageReportSchema } from '../../coverage/report-schema.js';
import { resolveSince, SinceSchema } from '../../coverage/window.js';
import { fingerprintKey } from '../../embedding/embedder.js';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { parseWith } from '../validate.js';

/** Query of GET /v1/coverage; the CLI's --since, --min-cluster and --sparse-trials, same meaning. */
export const CoverageQuerySchema = z.strictObject({
  since: SinceSchema.optional().meta({ description: 'Start of the window: a date, an ISO date-time, or a span back from now (12h, 7d, 4w). Default: 30 days.', example: '7d' }),
  minCluster: z.coerce.number().int().min(2).max(10_000).optional().meta({ description: 'Smallest cluster reported as a candidate intent.', example: 5 }),
  sparseTrials: z.coerce.number().min(0).max(1_000_000).optional().meta({ description: 'A model cell with fewer similarity-weighted trials is marked sparse.', example: 5 }),
});

/**
 * GET /v1/coverage: the coverage report as JSON (CoverageReportSchema). It reads every decision in
 * the window (at most the newest 50,000) and the whole reference set, so it is an operator's
 * endpoint, not one to poll.
 */
export const coverageRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>().get('/coverage', (c) => {
    const query = parseWith(CoverageQuerySchema, c.req.query(), 'query');
    // Decisions made a moment ago may still be waiting in the group-commit queue.
    deps.queue.flush();
    const now = new Date();
    const report = buildCoverageReport(
      {
        decisions: deps.decisions,
        references: deps.references,
        coverageThreshold: deps.router.coverageThreshold,
        similarityPower: deps.router.similarityPower,
        embedder: fingerprintKey(deps.embedder.fingerprint),
        models: deps.catalog.map((m) => m.id),
      },
      {
        since: resolveSince(query.since, now),
        until: now.toISOString(),
        ...(query.minCluster !== undefined ? { minCluster: query.minCluster } : {}),
        ...(query.sparseTrials !== undefined ? { sparseTrials: query.sparseTrials } : {}),
      },
    );
    Object.assign(c.get('event'), { coverage_decisions: report.totals.decisions, coverage_candidates: report.candidates.length });
    return c.json(CoverageReportSchema.parse(report));
  });
