import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir, TEST_CONFIG_FILE } from '../../test/helpers/test-deps.js';
import { bootstrap, type Deps } from '../cli/bootstrap.js';
import { loadConfig } from '../config/load.js';
import { META_KEYS } from '../store/meta-store.js';
import { silentLogger } from '../shared/logger.js';
import { fingerprintKey, inputKey, type Embedder } from './embedder.js';
import { LexicalEmbedder } from './lexical-embedder.js';

const open: Deps[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  open.splice(0).forEach((d) => d.close());
  cleanups.splice(0).forEach((f) => f());
});

/** An embedder that counts the texts it embeds, to tell re-embedding from reuse. */
function counting(inner: Embedder): Embedder & { texts: number } {
  const wrapper = {
    texts: 0,
    fingerprint: inner.fingerprint,
    embed: (texts: readonly string[]) => {
      wrapper.texts += texts.length;
      return inner.embed(texts);
    },
  };
  return wrapper;
}

/** Starts the service's composition root on one data dir with these embedding settings; returns what it embedded. */
async function startWith(dataDir: string, embedding: Record<string, unknown>): Promise<{ deps: Deps; embedded: number }> {
  const config = loadConfig({
    env: {},
    file: TEST_CONFIG_FILE,
    // No background set: only the 10 fixture references are embedded at start.
    overrides: { dataDir, referenceDir: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets'), backgroundDir: path.join(dataDir, 'none'), log: { level: 'silent' }, embedding },
  });
  const embedder = counting(new LexicalEmbedder({ dims: 256 }));
  const deps = await bootstrap(config, silentLogger(), { embedder });
  open.push(deps);
  return { deps, embedded: embedder.texts };
}

async function restart(dataDir: string, previous: Deps, embedding: Record<string, unknown>): Promise<{ deps: Deps; embedded: number }> {
  open.splice(open.indexOf(previous), 1);
  previous.close();
  return startWith(dataDir, embedding);
}

describe('the embedder fingerprint holds the input budget', () => {
  it('says what reaches the model: characters, tokens when the model has a limit, and the part kept', () => {
    expect(inputKey({ maxChars: 2000, keep: 'head' })).toBe('chars=2000,keep=head');
    expect(inputKey({ maxChars: 2048, maxTokens: 256, keep: 'head+tail' })).toBe('chars=2048,tokens=256,keep=head+tail');
    expect(inputKey({ maxChars: Number.MAX_SAFE_INTEGER, keep: 'head' })).toBe('chars=unbounded,keep=head');
  });

  it('re-embeds the stored references when embedding.maxChars or embedding.keep changes', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = await startWith(dir, {});
    expect(first.embedded).toBe(10);
    const narrower = await restart(dir, first.deps, { maxChars: 40 });
    expect(narrower.embedded).toBe(10);
    expect(narrower.deps.embedder.fingerprint.input).toBe('chars=40,keep=head');
    expect(narrower.deps.meta.get(META_KEYS.embedderFingerprint)).toBe(fingerprintKey(narrower.deps.embedder.fingerprint));
    const tail = await restart(dir, narrower.deps, { maxChars: 40, keep: 'head+tail' });
    expect(tail.embedded).toBe(10);
    // The stored vectors are the ones this budget makes: a long reference's is its cut text's, not its whole text's.
    const long = tail.deps.references.texts().find((t) => t.text.length > 50);
    if (!long) throw new Error('the fixture sets need a reference longer than 50 characters');
    const [cut] = await tail.deps.embedder.embed([long.text]);
    const [whole] = await new LexicalEmbedder({ dims: 256 }).embed([long.text]);
    expect(tail.deps.index.search(cut ?? new Float32Array(256), 1)[0]).toMatchObject({ label: long.id, similarity: expect.closeTo(1, 5) });
    expect(tail.deps.index.search(whole ?? new Float32Array(256), 1)[0]?.similarity).toBeLessThan(0.999);
  });

  it('re-embeds nothing when only settings that leave the vectors alone change', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = await startWith(dir, { maxChars: 40 });
    const key = fingerprintKey(first.deps.embedder.fingerprint);
    // Batch size, cache, pool and a token budget (the lexical embedder has no tokens) do not change what it embeds.
    const second = await restart(dir, first.deps, { maxChars: 40, batchSize: 3, cache: { enabled: false }, pool: { size: 1, maxWaitMs: 5 }, maxTokens: 32 });
    expect(second.embedded).toBe(0);
    expect(fingerprintKey(second.deps.embedder.fingerprint)).toBe(key);
  });
});
