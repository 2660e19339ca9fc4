import { z } from 'zod';

/** What the soak's load generator (load.ts, its own process) is told to send. */
export const LoadPlanSchema = z.object({
  url: z.string().url(),
  seconds: z.number().int().positive(),
  routeConnections: z.number().int().positive(),
  outcomeConnections: z.number().int().positive(),
  routePrompts: z.array(z.string()).min(1),
  /** Prompts sent with outcomes and no decision: repeated, each becomes a learned reference. */
  outcomePrompts: z.array(z.string()).min(1),
  decisionIds: z.array(z.string()).min(1),
  models: z.array(z.string()).min(1),
  /** Idempotency keys start with this, so the stored outcomes of this run can be counted. */
  keyPrefix: z.string(),
});
export type LoadPlan = z.infer<typeof LoadPlanSchema>;

export const KindSummarySchema = z.object({
  requests: z.number(),
  ok: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
  statusCodes: z.record(z.string(), z.number()),
});
export type KindSummary = z.infer<typeof KindSummarySchema>;
export const LoadSummarySchema = z.object({ route: KindSummarySchema, outcome: KindSummarySchema });
export type LoadSummary = z.infer<typeof LoadSummarySchema>;
