import { Agent, request } from 'undici';
import { summarize, type LatencySummary } from '../bench-lib.js';

/**
 * Load for POST /v1/route with a different prompt on every request (`promptAt(i)`), so no cache by
 * prompt can answer in place of the model. autocannon sends one fixed body; this sends many.
 */
export type PromptAt = (i: number) => string;

export interface ConcurrentResult {
  readonly rps: number;
  readonly latency: LatencySummary;
  /** Non-200 answers and failed requests. */
  readonly errors: number;
  readonly total: number;
}

const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });

async function post(url: string, prompt: string): Promise<number> {
  const res = await request(`${url}/v1/route`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt }),
  });
  await res.body.dump();
  return res.statusCode;
}

/** `n` requests one after another; latency per request as the client sees it. Throws on a non-200. */
export async function sequential(url: string, promptAt: PromptAt, n: number, offset = 0): Promise<LatencySummary> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const status = await post(url, promptAt(offset + i));
    samples.push(performance.now() - start);
    if (status !== 200) throw new Error(`POST /v1/route answered ${status}`);
  }
  return summarize(samples);
}

/** `connections` clients, each sending its next request when the last one answers, for `seconds`. */
export async function concurrent(url: string, promptAt: PromptAt, opts: { connections: number; seconds: number; offset: number }): Promise<ConcurrentResult> {
  const deadline = performance.now() + opts.seconds * 1000;
  const samples: number[] = [];
  let errors = 0;
  let next = opts.offset;
  const client = async () => {
    while (performance.now() < deadline) {
      const start = performance.now();
      const status = await post(url, promptAt(next++)).catch(() => 0);
      samples.push(performance.now() - start);
      if (status !== 200) errors++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: opts.connections }, client));
  const elapsed = (performance.now() - start) / 1000;
  return { rps: (samples.length - errors) / elapsed, latency: summarize(samples), errors, total: samples.length };
}

/** GET `path` every `everyMs` until `until` settles; latencies of the answers. */
export async function probeWhile(url: string, path: string, until: Promise<unknown>, everyMs = 20): Promise<LatencySummary> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const samples: number[] = [];
  while (!done) {
    const start = performance.now();
    const res = await request(`${url}${path}`, { dispatcher: agent });
    await res.body.dump();
    samples.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return summarize(samples);
}
