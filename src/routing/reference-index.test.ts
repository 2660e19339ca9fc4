import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir, TEST_CONFIG_FILE } from '../../test/helpers/test-deps.js';
import { bootstrap, dataPaths, type Deps } from '../cli/bootstrap.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Embedder } from '../embedding/embedder.js';
import { LexicalEmbedder } from '../embedding/lexical-embedder.js';
import { silentLogger } from '../shared/logger.js';

const open: Deps[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  open.splice(0).forEach((d) => d.close());
  cleanups.splice(0).forEach((f) => f());
});

function config(overrides: Record<string, unknown> = {}, dataDir?: string): Config {
  let dir = dataDir;
  if (dir === undefined) {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    dir = temp.dir;
  }
  return loadConfig({
    env: {},
    file: TEST_CONFIG_FILE,
    // No background set: these tests count the embedder's calls on references alone.
    overrides: { dataDir: dir, referenceDir: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets'), backgroundDir: path.join(dir, 'none'), log: { level: 'silent' }, ...overrides },
  });
}

async function start(cfg: Config, embedder: Embedder): Promise<Deps> {
  const deps = await bootstrap(cfg, silentLogger(), { embedder });
  open.push(deps);
  return deps;
}

function stop(deps: Deps): void {
  open.splice(open.indexOf(deps), 1);
  deps.close();
}

const QUERIES = ['Write a Python function to sort a list', 'Hey, how was your weekend?', 'Parse a date string in Rust'];

async function answers(deps: Deps) {
  return Promise.all(QUERIES.map(async (prompt) => {
    const { decision } = await deps.router.route({ prompt, constraints: {} });
    return decision.kind === 'routed' ? { model: decision.model, intent: decision.intent, ids: decision.evidence.map((e) => e.id) } : null;
  }));
}

/** An embedder that counts what it embeds, to tell re-embedding from reuse. */
function counting(inner: Embedder): Embedder & { calls: number } {
  const wrapper = {
    calls: 0,
    fingerprint: inner.fingerprint,
    embed: (texts: readonly string[]) => {
      wrapper.calls += texts.length;
      return inner.embed(texts);
    },
  };
  return wrapper;
}

describe('ReferenceIndex', () => {
  it('rebuilds a deleted index file from SQLite, without re-embedding, with the same answers', async () => {
    const cfg = config();
    const first = await start(cfg, new LexicalEmbedder({ dims: 256 }));
    const before = await answers(first);
    stop(first);
    const { index } = dataPaths(cfg);
    rmSync(index);
    const embedder = counting(new LexicalEmbedder({ dims: 256 }));
    const second = await start(cfg, embedder);
    expect(existsSync(index)).toBe(true);
    expect(embedder.calls).toBe(0);
    expect(await answers(second)).toEqual(before);
  });

  it('detects a garbage index file and rebuilds it', async () => {
    const cfg = config();
    const first = await start(cfg, new LexicalEmbedder({ dims: 256 }));
    const before = await answers(first);
    stop(first);
    writeFileSync(dataPaths(cfg).index, 'garbage');
    expect(await answers(await start(cfg, new LexicalEmbedder({ dims: 256 })))).toEqual(before);
  });

  it('re-embeds every reference when the embedder fingerprint changes', async () => {
    const cfg = config();
    stop(await start(cfg, new LexicalEmbedder({ dims: 256 })));
    const embedder = counting(new LexicalEmbedder({ dims: 512 }));
    const second = await start(cfg, embedder);
    expect(embedder.calls).toBe(10);
    expect(second.index.describe().dims).toBe(512);
    expect((await answers(second)).every((a) => a !== null)).toBe(true);
    stop(second);
    // Same embedder again: nothing to re-embed.
    const third = counting(new LexicalEmbedder({ dims: 512 }));
    await start(cfg, third);
    expect(third.calls).toBe(0);
  });

  it('applies the configured efSearch to an index loaded from its file', async () => {
    const cfg = config({ index: { efSearch: 40 } });
    const first = await start(cfg, new LexicalEmbedder({ dims: 256 }));
    expect(first.index.describe().efSearch).toBe(40);
    stop(first);
    const embedder = counting(new LexicalEmbedder({ dims: 256 }));
    const second = await start(config({ index: { efSearch: 200 } }, cfg.dataDir), embedder);
    // Loaded, not rebuilt: nothing re-embedded, and the file's saved efSearch (40) gave way to 200.
    expect(embedder.calls).toBe(0);
    expect(second.index.describe()).toMatchObject({ kind: 'hnsw', efSearch: 200, size: first.index.size });
  });
});
