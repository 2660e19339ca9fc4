import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../shared/logger.js';
import { Metrics } from '../shared/metrics.js';
import { BoundedEmbedderPool } from './pool.js';
import { WorkerPool } from './worker-pool.js';

const open: BoundedEmbedderPool[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** The Prometheus text's samples as series → value. */
async function samples(metrics: Metrics): Promise<Map<string, number>> {
  const lines = (await metrics.render()).body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  return new Map(lines.map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
}

describe('embedding pool metrics (real worker threads)', () => {
  it('exports workers, queue, restarts, cache counts and sizes and worker memory under Prometheus names', async () => {
    const workers = await WorkerPool.start({ spec: { backend: 'lexical', dims: 64, exitOnText: 'crash now' }, size: 1, maxBatch: 8, maxWaitMs: 2, maxHeapMb: 256, logger: silentLogger() });
    const pool = BoundedEmbedderPool.inWorkers(workers, { budget: { maxChars: 10_000, keep: 'head' }, cache: { maxEntries: 100, maxBytes: 1 << 20 } });
    open.push(pool);
    const metrics = new Metrics({ processMetrics: false });
    metrics.observeEmbeddingPool(() => pool.stats());

    await pool.embed(['a cached prompt']);
    await pool.embed(['a cached prompt', 'another prompt']);
    await pool.embed(['crash now']).catch(() => undefined);
    await pool.embed(['after the restart']);

    const s = await samples(metrics);
    const stats = pool.stats();
    expect(s.get('semroute_embedding_workers')).toBe(1);
    expect(s.get('semroute_embedding_in_flight')).toBe(0);
    expect(s.get('semroute_embedding_queued')).toBe(0);
    expect(s.get('semroute_embedding_worker_restarts_total')).toBe(1);
    expect(s.get('semroute_embedding_cache_hits_total')).toBe(1);
    expect(s.get('semroute_embedding_cache_misses_total')).toBe(stats.cache.misses);
    expect(stats.cache.misses).toBe(4);
    expect(s.get('semroute_embedding_cache_entries')).toBe(stats.cache.entries);
    expect(s.get('semroute_embedding_cache_size_bytes')).toBe(stats.cache.bytes);
    expect(stats.cache.bytes).toBeGreaterThan(0);
    expect(s.get('semroute_embedding_worker_memory_bytes{worker="0"}')).toBe((stats.workerMemoryMb[0] ?? Number.NaN) * 2 ** 20);

    // Counters follow the pool's running counts from scrape to scrape.
    await pool.embed(['a cached prompt']);
    expect((await samples(metrics)).get('semroute_embedding_cache_hits_total')).toBe(2);
    const text = (await metrics.render()).body;
    expect(text).toContain('# TYPE semroute_embedding_cache_hits_total counter');
    expect(text).toContain('# TYPE semroute_embedding_queued gauge');
  });
});
