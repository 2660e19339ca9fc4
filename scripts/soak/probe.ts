import { z } from 'zod';

/** A reference prompt sent verbatim: whenever the index is whole, its own reference comes first. */
export interface KnownPrompt {
  readonly prompt: string;
  readonly intent: string;
  readonly referenceId: number;
}

export interface ProbeStats {
  sent: number;
  /** Probes in flight while a rebuild was. */
  duringRebuild: number;
  mismatches: number;
  /** The first few mismatches, to print. */
  examples: string[];
  latenciesMs: number[];
  /** The known prompt's model over the run: learning from outcomes may move it, legitimately. */
  models: Record<string, number>;
}

export interface RebuildStats {
  count: number;
  failures: string[];
  wallMs: number[];
}

export const ProbeAnswerSchema = z.object({
  model: z.string(),
  intent: z.string().nullable(),
  neighbors: z.array(z.object({ id: z.number(), text: z.string(), similarity: z.number() })),
});

export async function routeExplained(url: string, prompt: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/v1/route`, {
    method: 'POST',
    body: JSON.stringify({ prompt, explain: true }),
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.json() };
}

/** Why an answer to the known prompt is wrong, or null when it is right. */
function mismatch(status: number, body: unknown, known: KnownPrompt, catalog: ReadonlySet<string>): string | null {
  if (status !== 200) return `status ${status}`;
  const answer = ProbeAnswerSchema.parse(body);
  if (answer.neighbors[0]?.id !== known.referenceId) return `top neighbour ${answer.neighbors[0]?.id}, expected ${known.referenceId}`;
  if (answer.intent !== known.intent) return `intent ${answer.intent}, expected ${known.intent}`;
  if (!catalog.has(answer.model)) return `model ${answer.model} is not in the catalog`;
  return null;
}

/**
 * Sends the known prompt every `probeEveryMs` and POST /v1/admin/rebuild every `rebuildEveryS`
 * until stopped; counts probes whose answer is wrong (see {@link mismatch}).
 */
export function startProbes(opts: {
  url: string;
  known: KnownPrompt;
  catalog: ReadonlySet<string>;
  adminToken: string;
  probeEveryMs: number;
  rebuildEveryS: number;
}): { stop(): Promise<{ probe: ProbeStats; rebuild: RebuildStats }> } {
  const probe: ProbeStats = { sent: 0, duringRebuild: 0, mismatches: 0, examples: [], latenciesMs: [], models: {} };
  const rebuild: RebuildStats = { count: 0, failures: [], wallMs: [] };
  let rebuilding = false;
  let stopped = false;
  const note = (why: string) => {
    probe.mismatches += 1;
    if (probe.examples.length < 5) probe.examples.push(why);
  };
  const probing = (async () => {
    while (!stopped) {
      const started = performance.now();
      const during = rebuilding;
      probe.sent += 1;
      try {
        const { status, body } = await routeExplained(opts.url, opts.known.prompt);
        if (during || rebuilding) probe.duringRebuild += 1;
        probe.latenciesMs.push(performance.now() - started);
        const why = mismatch(status, body, opts.known, opts.catalog);
        if (why !== null) note(why);
        else {
          const model = ProbeAnswerSchema.parse(body).model;
          probe.models[model] = (probe.models[model] ?? 0) + 1;
        }
      } catch (error) {
        note(`no answer: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(opts.probeEveryMs);
    }
  })();
  const rebuilding$ = (async () => {
    while (!stopped) {
      await sleep(opts.rebuildEveryS * 1000, () => stopped);
      if (stopped) break;
      rebuilding = true;
      const started = performance.now();
      try {
        const res = await fetch(`${opts.url}/v1/admin/rebuild`, { method: 'POST', headers: { authorization: `Bearer ${opts.adminToken}` }, signal: AbortSignal.timeout(60_000) });
        await res.text();
        if (res.status !== 200) rebuild.failures.push(`status ${res.status}`);
      } catch (error) {
        rebuild.failures.push(error instanceof Error ? error.message : String(error));
      }
      rebuild.wallMs.push(performance.now() - started);
      rebuild.count += 1;
      rebuilding = false;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await Promise.all([probing, rebuilding$]);
      return { probe, rebuild };
    },
  };
}

/** Sleeps `ms`, waking early (every 200 ms it looks) when `cancelled()` turns true. */
async function sleep(ms: number, cancelled: () => boolean = () => false): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !cancelled()) await new Promise((resolve) => setTimeout(resolve, Math.min(200, until - Date.now())));
}
