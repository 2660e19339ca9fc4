// The soak's load generator, run in its own process so it does not share the service's CPU thread:
// two autocannon instances at once, one sending routes and one sending outcomes, so each kind gets
// its own latency histogram. Reads a plan (JSON file named by argv[2]); prints a JSON summary.
import { readFileSync } from 'node:fs';
import autocannon, { type AutocannonResult } from 'autocannon';
import { LoadPlanSchema, type KindSummary, type LoadPlan, type LoadSummary } from './plan.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
/** A request that has no answer after this many seconds counts as a timeout. */
const TIMEOUT_S = 10;

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length] as T;
}

function summarise(r: AutocannonResult): KindSummary {
  return {
    requests: r['2xx'] + r.non2xx,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
  };
}

async function run(plan: LoadPlan): Promise<LoadSummary> {
  let routes = 0;
  let outcomes = 0;
  const route = autocannon({
    url: plan.url,
    connections: plan.routeConnections,
    duration: plan.seconds,
    timeout: TIMEOUT_S,
    requests: [
      {
        method: 'POST',
        path: '/v1/route',
        headers: JSON_HEADERS,
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ prompt: pick(plan.routePrompts, routes++) }) }),
      },
    ],
  });
  const outcome = autocannon({
    url: plan.url,
    connections: plan.outcomeConnections,
    duration: plan.seconds,
    timeout: TIMEOUT_S,
    requests: [
      {
        method: 'POST',
        path: '/v1/outcomes',
        headers: JSON_HEADERS,
        setupRequest: (req) => {
          const n = outcomes++;
          const model = pick(plan.models, n * 7);
          const idempotencyKey = `${plan.keyPrefix}${n}`;
          // One in four reports a prompt without a decision (it embeds, and may promote the prompt).
          const body =
            n % 4 === 0
              ? { prompt: pick(plan.outcomePrompts, n), model, outcome: { score: (n % 10) / 10 }, idempotencyKey }
              : { decisionId: pick(plan.decisionIds, n * 13), model, outcome: { success: n % 3 !== 0 }, idempotencyKey };
          return { ...req, body: JSON.stringify(body) };
        },
      },
    ],
  });
  const [r, o] = await Promise.all([route, outcome]);
  return { route: summarise(r), outcome: summarise(o) };
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: load.ts <plan.json>');
const summary = await run(LoadPlanSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
process.stdout.write(`${JSON.stringify(summary)}\n`);
