import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootstrap } from '../../src/cli/bootstrap.js';
import type { Embedder } from '../../src/embedding/embedder.js';
import { seedReferenceSets } from '../../src/seeding/seed.js';
import { silentLogger } from '../../src/shared/logger.js';
import { seededRandom } from '../bench-lib.js';
import { cleanup, MODELS, tempConfig } from './fixtures.js';
import type { LabelledText } from './texts.js';

export interface SeedResult {
  readonly embedder: string;
  readonly prompts: number;
  /** First seed into an empty store: parse, write SQLite, embed, index, save the index. */
  readonly firstSeconds: number;
  /** The same file again: every prompt is found by content hash and left alone. */
  readonly againSeconds: number;
}

/** Seeds one JSONL set of `texts` (with random records for six models) through the real seeding path. */
export async function measureSeed(embedder: Embedder, texts: readonly LabelledText[]): Promise<SeedResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'semroute-bench-set-'));
  const rand = seededRandom(texts.length);
  const count = () => Math.floor(rand() * 8);
  const lines = texts.map((t) =>
    JSON.stringify({ prompt: t.text, intent: t.intent, records: Object.fromEntries(MODELS.map((m) => [m, { wins: count(), losses: count(), ties: count() % 2 }])) }),
  );
  writeFileSync(path.join(dir, 'bench.jsonl'), lines.join('\n') + '\n');
  const deps = await bootstrap(tempConfig(), silentLogger(), { embedder });
  try {
    const first = await seedReferenceSets(deps, dir);
    if (first.errors.length > 0 || first.inserted !== texts.length) {
      throw new Error(`seeding inserted ${first.inserted} of ${texts.length} prompts; first error: ${JSON.stringify(first.errors[0])}`);
    }
    const again = await seedReferenceSets(deps, dir);
    const fp = embedder.fingerprint;
    return { embedder: `${fp.backend} (${fp.modelId}, ${fp.dims} dims)`, prompts: texts.length, firstSeconds: first.seconds, againSeconds: again.seconds };
  } finally {
    cleanup(deps);
    rmSync(dir, { recursive: true, force: true });
  }
}
