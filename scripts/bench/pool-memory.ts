import { ensureBenchModel } from '../make-bench-model.js';
import { PROMPTS, ROOT } from './fixtures.js';
import { concurrent, sequential } from './route-load.js';
import { rssBytes, startServer } from './server-process.js';

export interface PoolMemoryRow {
  readonly poolSize: number;
  /** RSS of the serve process (worker threads included) after the load, bytes; null when it could not start. */
  readonly rss: number | null;
  readonly error?: string;
}

/**
 * RSS of this tree's serve process with the transformers backend on the MiniLM-architecture model,
 * by embedding.pool.size, after the same load (long prompts one by one, then 10 clients): the step
 * between sizes is what one more embedding worker costs.
 */
export async function measurePoolMemory(opts: { modelsDir: string; sizes: readonly number[] }, log: (line: string) => void): Promise<PoolMemoryRow[]> {
  const model = ensureBenchModel(opts.modelsDir, log);
  const rows: PoolMemoryRow[] = [];
  const long = (i: number) => `(${i}) ${Array.from({ length: 40 }, (_, k) => PROMPTS[(i + k) % PROMPTS.length]).join('. ')}`;
  const short = (i: number) => `${PROMPTS[i % PROMPTS.length] ?? ''} (${i})`;
  for (const poolSize of opts.sizes) {
    let server;
    try {
      server = await startServer(
        { label: `pool ${poolSize}`, dir: ROOT },
        {
          ROUTER_EMBEDDING__BACKEND: 'transformers',
          ROUTER_EMBEDDING__MODEL_ID: model.id,
          ROUTER_EMBEDDING__LOCAL_MODEL_PATH: model.dir,
          ROUTER_EMBEDDING__ALLOW_REMOTE: 'false',
          ROUTER_EMBEDDING__POOL__SIZE: String(poolSize),
        },
      );
    } catch (error) {
      rows.push({ poolSize, rss: null, error: String(error).split('\n')[0] ?? '' });
      log(`  pool size ${poolSize}: could not start (${rows.at(-1)?.error})`);
      continue;
    }
    try {
      await sequential(server.url, long, 6, poolSize * 1000);
      await concurrent(server.url, long, { connections: 10, seconds: 4, offset: poolSize * 1000 + 100 });
      await concurrent(server.url, short, { connections: 10, seconds: 2, offset: poolSize * 1000 + 500 });
      rows.push({ poolSize, rss: rssBytes(server.pid) });
      log(`  pool size ${poolSize}: RSS ${((rows.at(-1)?.rss ?? 0) / 2 ** 20).toFixed(0)} MiB`);
    } finally {
      await server.stop();
    }
  }
  return rows;
}
