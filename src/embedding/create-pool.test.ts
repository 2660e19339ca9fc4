import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { tempDir, testConfig } from '../../test/helpers/test-deps.js';
import { createLogger } from '../shared/logger.js';
import { createEmbedderPool } from './create-pool.js';
import { fallbackFields, fallbackWarning } from './fallback-warning.js';
import { modelFilesFor } from './model-files.js';

describe('createEmbedderPool with backend auto', () => {
  it('falls back to USE Lite on a worker when the model cannot load, and warns once with how to get the model', async () => {
    const { dir, cleanup } = tempDir();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(String(chunk)), done()) });
    const config = testConfig(dir, { embedding: { backend: 'auto', modelId: 'no/such-model', localModelPath: dir, allowRemote: false, pool: { size: 1 } } });
    const pool = await createEmbedderPool(config.embedding, dir, createLogger('warn', sink));
    try {
      expect(pool.fingerprint.backend).toBe('use-lite');
      const warnings = lines.filter((l) => (JSON.parse(l) as { level: number }).level === 40);
      expect(warnings).toHaveLength(1);
      const line = warnings[0] ?? '';
      const warning = JSON.parse(line) as { msg: string; reason: string; loaded: string };
      expect(warning.msg).toContain('so routing uses the bundled Universal Sentence Encoder Lite');
      expect(warning.reason).toMatch(/^cannot load embedding model no\/such-model: .*\(looked in /);
      // The line says the cause and the remedy once, naming every file transformers.js reads.
      expect(line.split('cannot load embedding model')).toHaveLength(2);
      expect(line.split('ROUTER_EMBEDDING__LOCAL_MODEL_PATH=<folder>')).toHaveLength(2);
      for (const file of modelFilesFor('q8')) expect(warning.msg).toContain(file);
    } finally {
      await pool.close();
      cleanup();
    }
  });
});

describe('fallbackWarning', () => {
  it('names lexical, both reasons and both remedies when USE Lite failed too', () => {
    const reasons = { modelId: 'Xenova/all-MiniLM-L6-v2', dtype: 'q8', transformersReason: 'no onnx/model.onnx', useLiteReason: 'module not found' } as const;
    const text = fallbackWarning(reasons);
    expect(fallbackFields(reasons, 'lexical')).toEqual({ model: 'Xenova/all-MiniLM-L6-v2', reason: 'no onnx/model.onnx', useLiteReason: 'module not found', loaded: 'lexical' });
    expect(text).toContain('lexical embedder');
    expect(text).toContain('npm ci');
    expect(text).toContain('ROUTER_EMBEDDING__LOCAL_MODEL_PATH');
    // The file transformers.js loads for the configured dtype, not always model.onnx.
    expect(text).toContain('onnx/model_quantized.onnx');
  });
});
