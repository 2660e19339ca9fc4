import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { embedWorkerEntry } from './worker-entry.js';

/** Starts the real worker entry with this workerData and returns its first message. */
async function firstMessage(workerData: unknown): Promise<unknown> {
  const entry = embedWorkerEntry();
  const worker = new Worker(entry.script, { eval: entry.eval, workerData });
  try {
    const [message] = await Promise.race([once(worker, 'message'), once(worker, 'exit').then(([code]) => [{ exited: code }])]);
    return message;
  } finally {
    await worker.terminate();
  }
}

describe('embed worker', () => {
  it('parses its workerData and answers load-failed naming every bad field, without loading anything', async () => {
    const message = await firstMessage({ backend: 'transformers', transformers: { modelId: 'm', cacheDir: '/tmp', allowRemote: 'no', dtype: 'fp64', batchSize: 8 } });
    expect(message).toMatchObject({ type: 'load-failed', code: 'INTERNAL' });
    const text = z.object({ message: z.string() }).parse(message).message;
    expect(text).toContain('transformers.allowRemote');
    expect(text).toContain('transformers.dtype');
  });

  it('refuses an unknown backend', async () => {
    expect(await firstMessage({ backend: 'word2vec' })).toMatchObject({ type: 'load-failed', message: expect.stringContaining('backend') });
  });

  it('loads a valid spec and says ready', async () => {
    expect(await firstMessage({ backend: 'lexical', dims: 64 })).toMatchObject({ type: 'ready', fingerprint: { backend: 'lexical', dims: 64 } });
  });
});
