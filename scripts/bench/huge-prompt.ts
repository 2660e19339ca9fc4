import { Agent, request } from 'undici';
import { summarize, type LatencySummary } from '../bench-lib.js';

/** The case: a prompt just under the 200,000-character limit. */
export const HUGE_CHARS = 190_000;

export interface HugeResult {
  /** One huge prompt alone: ms until the answer, or null when it did not answer within the timeout. */
  readonly aloneMs: number | null;
  /** `concurrency` huge prompts at once (skipped when one alone timed out): answers within the timeout, and the wall time. */
  readonly concurrent: { readonly concurrency: number; readonly ok: number; readonly wallMs: number } | null;
  /** GET /healthz every 20 ms while the concurrent huge prompts run (a probe cut at the timeout counts as its wait). */
  readonly healthz: LatencySummary | null;
  readonly timeoutSeconds: number;
}

const agent = new Agent({ connections: 64 });

function hugePrompt(i: number): string {
  const words = ['route', 'this', 'prompt', 'about', 'merging', 'sorted', 'lists', 'quarterly', 'report', 'summary'];
  let text = `(${i})`;
  for (let k = 0; text.length < HUGE_CHARS; k++) text += ` ${words[(k * 7 + i) % words.length] ?? ''}`;
  return text.slice(0, HUGE_CHARS);
}

/** ms until an answer with a 200 status, or null on another status, an error or the deadline. */
async function timed(url: string, init: { method?: 'GET' | 'POST'; body?: string }, deadline: number): Promise<number | null> {
  const start = performance.now();
  try {
    const res = await request(url, {
      method: init.method ?? 'GET',
      dispatcher: agent,
      ...(init.body !== undefined ? { body: init.body, headers: { 'content-type': 'application/json' } } : {}),
      signal: AbortSignal.timeout(Math.max(1, Math.ceil(deadline - start))),
    });
    await res.body.dump();
    return res.statusCode === 200 ? performance.now() - start : null;
  } catch {
    return null;
  }
}

/**
 * One 190,000-character prompt alone, then `concurrency` of them at once while /healthz is probed.
 * A server that cannot answer in `timeoutSeconds` is left busy: stop it with SIGKILL afterwards.
 */
export async function measureHuge(url: string, opts: { concurrency: number; timeoutSeconds: number }): Promise<HugeResult> {
  const route = `${url}/v1/route`;
  const aloneMs = await timed(route, { method: 'POST', body: JSON.stringify({ prompt: hugePrompt(0) }) }, performance.now() + opts.timeoutSeconds * 1000);
  if (aloneMs === null) return { aloneMs, concurrent: null, healthz: null, timeoutSeconds: opts.timeoutSeconds };
  const deadline = performance.now() + opts.timeoutSeconds * 1000;
  const start = performance.now();
  let running = true;
  const routes = Promise.all(
    Array.from({ length: opts.concurrency }, (_, i) => timed(route, { method: 'POST', body: JSON.stringify({ prompt: hugePrompt(i + 1) }) }, deadline)),
  ).finally(() => {
    running = false;
  });
  const probes: number[] = [];
  while (running && performance.now() < deadline) {
    const t = performance.now();
    probes.push((await timed(`${url}/healthz`, {}, deadline)) ?? performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const answers = await routes;
  return {
    aloneMs,
    concurrent: { concurrency: opts.concurrency, ok: answers.filter((a) => a !== null).length, wallMs: performance.now() - start },
    healthz: summarize(probes),
    timeoutSeconds: opts.timeoutSeconds,
  };
}
