import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tempDir, testConfig } from '../../test/helpers/test-deps.js';
import { createLogger } from '../shared/logger.js';
import { createEmbedderPool } from './create-pool.js';
import { fallbackWarning } from './fallback-warning.js';

describe('createEmbedderPool with backend auto', () => {
  it('falls back to USE Lite on a worker when the model cannot load, and warns once with how to get the model', async () => {
    const { dir, cleanup } = tempDir();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(String(chunk)), done()) });
    const config = testConfig(dir, { embedding: { backend: 'auto', modelId: 'no/such-model', localModelPath: dir, allowRemote: false, pool: { size: 1 } } });
    const pool = await createEmbedderPool(config.embedding, dir, createLogger('warn', sink));
    try {
      expect(pool.fingerprint.backend).toBe('use-lite');
      const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.msg).toContain('so routing uses the bundled Universal Sentence Encoder Lite');
      expect(warnings[0]?.msg).toContain('ROUTER_EMBEDDING__LOCAL_MODEL_PATH=<folder>');
    } finally {
      await pool.close();
      cleanup();
    }
  });
});

describe('fallbackWarning', () => {
  it('names lexical, both reasons and both remedies when USE Lite failed too', () => {
    const text = fallbackWarning({ modelId: 'Xenova/all-MiniLM-L6-v2', dtype: 'q8', transformersReason: 'no onnx/model.onnx', useLiteReason: 'module not found' });
    expect(text).toContain('(no onnx/model.onnx)');
    expect(text).toContain('(module not found)');
    expect(text).toContain('lexical embedder');
    expect(text).toContain('npm ci');
    expect(text).toContain('ROUTER_EMBEDDING__LOCAL_MODEL_PATH');
    // The file transformers.js loads for the configured dtype, not always model.onnx.
    expect(text).toContain('onnx/model_quantized.onnx');
  });
});
