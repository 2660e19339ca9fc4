import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

/*
 * On a CPU-starved machine (load 20+) the WebAssembly backend's compile can finish after the 28 MB
 * of weights are read; loading then failed with "Backend 'wasm' has not yet been initialized" and
 * `auto` fell back to lexical. Here the compile is made late on purpose (WebAssembly.instantiate
 * waits first), in a worker thread so that tfjs's global engine starts fresh, as in a new process.
 */
function loadWithLateBackend(delayMs: number): Promise<{ backend?: string; error?: string }> {
  const here = import.meta.url;
  const tsxDir = path.dirname(createRequire(here).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./use-lite-embedder.ts', here).href;
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    const instantiate = WebAssembly.instantiate.bind(WebAssembly);
    WebAssembly.instantiate = (...args) => new Promise((resolve) => setTimeout(resolve, workerData.delayMs)).then(() => instantiate(...args));
    import(${JSON.stringify(tsxApi)})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })
      .then(({ UseLiteEmbedder }) => UseLiteEmbedder.create({ batchSize: 8 }))
      .then((e) => parentPort.postMessage({ backend: e.fingerprint.backend }), (error) => parentPort.postMessage({ error: String(error && error.message) }));`;
  const worker = new Worker(script, { eval: true, workerData: { delayMs } });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: { backend?: string; error?: string }) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

describe('UseLiteEmbedder.create with a late WebAssembly backend', () => {
  it('waits for the backend before reading the weights, and loads', async () => {
    const result = await loadWithLateBackend(1_500);
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('use-lite');
  }, 60_000);
});
