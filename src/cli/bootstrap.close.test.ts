import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { silentLogger } from '../shared/logger.js';
import { TINY_EMBEDDING, tempDir, testConfig } from '../../test/helpers/test-deps.js';
import { bootstrap } from './bootstrap.js';

/** OS threads of this process: each embedding worker is one, plus onnxruntime's own. */
const threads = () => readdirSync('/proc/self/task').length;

it('close() resolves only once the embedding workers it started have exited, so process.exit() after it cannot race their teardown', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const before = threads();
    // No embedder passed in: bootstrap builds the configured one, a pool of worker threads on the tiny model.
    const deps = await bootstrap(testConfig(dir, { embedding: { ...TINY_EMBEDDING, pool: { size: 2 } } }), silentLogger());
    const running = threads();
    expect(running).toBeGreaterThanOrEqual(before + 2);
    const closing = deps.close();
    await closing;
    expect(threads()).toBeLessThan(running - 1);
  } finally {
    cleanup();
  }
}, 60_000);
