import { execFile } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import { ROOT } from './fixtures.js';

export interface LoadOptions {
  readonly url: string;
  readonly body: string;
  readonly seconds: number;
  readonly connections: number;
}

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  /** Non-2xx answers plus connection errors and timeouts. */
  readonly errors: number;
  readonly total: number;
}

const AutocannonResult = z.object({
  requests: z.object({ average: z.number(), total: z.number() }),
  latency: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), mean: z.number() }),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
});

export const AUTOCANNON_BIN = path.join(ROOT, 'node_modules/.bin/autocannon');

/** autocannon in its own process against a server on loopback: the load generator does not share the server's thread. */
export async function autocannon(opts: LoadOptions): Promise<LoadResult> {
  const args = ['-m', 'POST', '-H', 'content-type=application/json', '-b', opts.body, '-c', String(opts.connections), '-d', String(opts.seconds), '-j'];
  args.push(opts.url);
  const out = await new Promise<string>((resolve, reject) => {
    execFile(AUTOCANNON_BIN, args, { maxBuffer: 16 * 2 ** 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const r = AutocannonResult.parse(JSON.parse(out));
  return { rps: r.requests.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, mean: r.latency.mean, errors: r.non2xx + r.errors + r.timeouts, total: r.requests.total };
}

/** The command line a reader can run to repeat one load run by hand. */
export function autocannonCommand(opts: LoadOptions): string {
  return `autocannon -m POST -H content-type=application/json -b '${opts.body}' -c ${opts.connections} -d ${opts.seconds} ${opts.url}`;
}
