import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bootstrap } from '../../src/cli/bootstrap.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';
import { createLogger } from '../../src/shared/logger.js';
import { BIG_SMALL_CATALOG, fixtureConfig } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

describe('start-up', () => {
  it('warns once per model whose upstream apiKeyEnv is unset, naming the model and the variable', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const { dir, cleanup } = tempDir();
    const catalog = BIG_SMALL_CATALOG.map((m) => ({ ...m, upstream: { baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: m.id === 'big' ? 'BIG_KEY' : 'SMALL_KEY' } }));
    const deps = await bootstrap(fixtureConfig(dir, { catalog }), createLogger('warn', sink), { embedder: new LexicalEmbedder({ dims: 64 }), env: { SMALL_KEY: 'sk-set' } });
    deps.close();
    cleanup();
    const warnings = lines.map((l) => JSON.parse(l) as { msg: string; model?: string; variable?: string }).filter((l) => l.variable !== undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ model: 'big', variable: 'BIG_KEY' });
    expect(warnings[0]?.msg).toContain('BIG_KEY');
  });
});
