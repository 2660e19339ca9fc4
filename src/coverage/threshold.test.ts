import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureConfig } from '../../test/helpers/lexical-deps.js';
import { PROJECT_ROOT, tempDir } from '../../test/helpers/test-deps.js';
import { bootstrap, buildRouter, type Deps } from '../cli/bootstrap.js';
import type { Embedder } from '../embedding/embedder.js';
import { LexicalEmbedder } from '../embedding/lexical-embedder.js';
import { silentLogger } from '../shared/logger.js';
import { contentHash } from '../store/content-hash.js';

const open: Deps[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  open.splice(0).forEach((d) => d.close());
  cleanups.splice(0).forEach((f) => f());
});

/** Counts the texts it embeds. */
function counting(inner: Embedder): Embedder & { texts: number } {
  const out = { fingerprint: inner.fingerprint, texts: 0, embed: async (texts: readonly string[]) => ((out.texts += texts.length), inner.embed(texts)) };
  return out;
}

async function start(overrides: Record<string, unknown> = {}, options: { dataDir?: string; embedder?: Embedder } = {}): Promise<Deps> {
  let dir = options.dataDir;
  if (dir === undefined) {
    const t = tempDir();
    cleanups.push(t.cleanup);
    dir = t.dir;
  }
  const config = fixtureConfig(dir, { backgroundDir: path.join(PROJECT_ROOT, 'reference-prompts/background'), ...overrides });
  const deps = await bootstrap(config, silentLogger(), { embedder: options.embedder ?? new LexicalEmbedder({ dims: 256 }) });
  open.push(deps);
  return deps;
}

describe("the 'auto' coverage test", () => {
  it('is calibrated against the background set, with per-intent shifts', async () => {
    const deps = await start();
    expect(deps.background.prompts).toBeGreaterThanOrEqual(300);
    expect(deps.router.coverage.source).toBe('background');
    expect(deps.router.coverage.topN).toBe(3);
    expect(deps.router.coverage.intentOffsets.size).toBeGreaterThan(0);
  });

  it('holds a unit centroid per intent, cached with the calibration', async () => {
    const deps = await start();
    const centroids = deps.router.coverage.intentCentroids;
    const intents = new Set(deps.references.texts().flatMap((t) => (t.intent === null ? [] : [t.intent])));
    expect([...(centroids?.keys() ?? [])].sort()).toEqual([...intents].sort());
    for (const c of centroids?.values() ?? []) expect(Math.hypot(...c)).toBeCloseTo(1, 5);
    // A rebuild reads them back from the cache, bit for bit.
    deps.router = buildRouter(deps);
    expect(deps.router.coverage.intentCentroids).not.toBe(centroids);
    expect(deps.router.coverage.intentCentroids).toEqual(centroids);
  });

  it('is recomputed when the references change, and cached until they do', async () => {
    const deps = await start();
    const before = deps.meta.get('coverage_calibration');
    deps.router = buildRouter(deps);
    expect(deps.meta.get('coverage_calibration')).toBe(before);
    const text = 'Write a haiku about a lighthouse in the fog';
    deps.references.writeSet('admin', 'admin api', [{ text, intent: 'poetry', contentHash: contentHash(text), records: {} }]);
    await deps.index.embedMissing();
    deps.router = buildRouter(deps);
    expect(deps.meta.get('coverage_calibration')).not.toBe(before);
  });

  it('reuses the calibration for a few edits, and recalibrates past 2% of the references', async () => {
    const deps = await start({ referenceDir: path.join(PROJECT_ROOT, 'reference-prompts') });
    const count = deps.references.count();
    const first = deps.meta.get('coverage_calibration');
    const add = async (i: number) => {
      const text = `How many moons does planet number ${i} of the outer system have?`;
      deps.references.writeSet('admin', 'admin api', [{ text, intent: 'astronomy', contentHash: contentHash(text), records: {} }]);
      await deps.index.embedMissing();
      deps.router = buildRouter(deps);
    };
    await add(0);
    expect(deps.meta.get('coverage_calibration')).toBe(first);
    for (let i = 1; i <= Math.floor(0.02 * count); i++) await add(i);
    expect(deps.meta.get('coverage_calibration')).not.toBe(first);
  });

  it('embeds the background once per embedder, and again for another embedder', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = counting(new LexicalEmbedder({ dims: 256 }));
    const a = await start({}, { dataDir: dir, embedder: first });
    const backgroundPrompts = a.background.prompts;
    expect(first.texts).toBeGreaterThanOrEqual(backgroundPrompts);
    a.close();
    open.splice(open.indexOf(a), 1);
    const same = counting(new LexicalEmbedder({ dims: 256 }));
    await start({}, { dataDir: dir, embedder: same }).then((d) => (d.close(), open.splice(open.indexOf(d), 1)));
    expect(same.texts).toBe(0);
    const other = counting(new LexicalEmbedder({ dims: 128 }));
    const c = await start({}, { dataDir: dir, embedder: other });
    expect(other.texts).toBeGreaterThanOrEqual(backgroundPrompts);
    expect(c.router.coverage.source).toBe('background');
  });

  it('falls back to the reference-only percentile without a background set', async () => {
    const deps = await start({ backgroundDir: path.join(PROJECT_ROOT, 'no-such-folder') });
    expect(deps.router.coverage.source).toBe('references');
    expect(deps.router.coverage.topN).toBe(1);
    expect(deps.router.coverage.intentCentroids?.size).toBeGreaterThan(0);
  });

  it('is the plain top-1 test for a configured number', async () => {
    const deps = await start({ routing: { defaultModel: 'big', coverageThreshold: 0.42 } });
    expect(deps.router.coverage).toMatchObject({ source: 'configured', threshold: 0.42, topN: 1 });
    expect(deps.router.coverage.intentCentroids).toBeUndefined();
  });
});
