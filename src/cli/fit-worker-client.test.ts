import { afterEach, describe, expect, it } from 'vitest';
import { fixtureConfig, startLexical } from '../../test/helpers/lexical-deps.js';
import { tempDir } from '../../test/helpers/test-deps.js';
import { fingerprintKey } from '../embedding/embedder.js';
import { silentLogger } from '../shared/logger.js';
import { dataPaths, type Deps } from './bootstrap.js';
import { FitWorker } from './fit-worker-client.js';
import { fitRouter } from './router-fit.js';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});

async function setup(idleStopMs: number) {
  const { dir, cleanup } = tempDir();
  const deps: Deps = await startLexical(fixtureConfig(dir));
  const paths = dataPaths(deps.config);
  const key = fingerprintKey(deps.embedder.fingerprint);
  const worker = new FitWorker({ dbPath: paths.db, indexPath: paths.index, index: deps.config.index, dims: deps.embedder.fingerprint.dims, embedderKey: key, background: deps.background }, { meta: deps.meta, logger: silentLogger() }, idleStopMs);
  running.push(async () => {
    await worker.close();
    await deps.close();
    cleanup();
  });
  return { deps, worker, key };
}

describe('FitWorker', () => {
  it('fits what the same fit on this thread gives, on the same store', async () => {
    const { deps, worker, key } = await setup(60_000);
    const offLoop = await worker.fit(deps.config, { refit: true });
    const here = fitRouter({ ...deps, embedderKey: key }, { refit: true });
    expect(offLoop.coverage).toEqual(here.coverage);
    expect({ ...offLoop.fit, seconds: 0 }).toEqual({ ...here.fit, seconds: 0 });
  });

  it('stops its thread when idle and starts another for the next fit', async () => {
    const { deps, worker } = await setup(50);
    await worker.fit(deps.config);
    expect(worker.started).toBe(true);
    for (let waited = 0; worker.started && waited < 5_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(worker.started).toBe(false);
    expect((await worker.fit(deps.config)).coverage.threshold).toBe(deps.router.coverage.threshold);
  });
});
