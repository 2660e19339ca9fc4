import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { contentHash } from '../../src/store/content-hash.js';
import { PROMPTS } from './fixtures.js';

export interface LabelledText {
  readonly text: string;
  readonly intent: string;
}

const ClincFile = z.object({
  train: z.array(z.tuple([z.string(), z.string()])),
  test: z.array(z.tuple([z.string(), z.string()])),
});

/**
 * Real user utterances for the embedding and seeding sections: CLINC150 (in-scope train, then test),
 * read by path at run time from the shared data folder. Without it, numbered variants of the bench
 * prompts stand in, and the source says so.
 */
export function loadTexts(dataDir: string, n: number): { source: string; texts: LabelledText[] } {
  const file = path.join(dataDir, 'clinc150/data_full.json');
  if (existsSync(file)) {
    const clinc = ClincFile.parse(JSON.parse(readFileSync(file, 'utf8')));
    // A set file may not hold the same prompt twice: keep the first of equal content hashes.
    const seen = new Set<string>();
    const all = [...clinc.train, ...clinc.test]
      .map(([text, intent]) => ({ text, intent }))
      .filter((t) => t.text.trim() !== '' && !seen.has(contentHash(t.text)) && seen.add(contentHash(t.text)));
    // Every k-th utterance, so a small sample still spans the intents (the file is sorted by intent).
    const step = Math.max(1, all.length / n);
    const texts = Array.from({ length: Math.min(n, all.length) }, (_, i) => all[Math.floor(i * step)]).filter((t): t is LabelledText => t !== undefined);
    return { source: `CLINC150 (${file})`, texts };
  }
  const texts = Array.from({ length: n }, (_, i) => ({ text: `${PROMPTS[i % PROMPTS.length] ?? ''} (variant ${i})`, intent: `kind_${i % PROMPTS.length}` }));
  return { source: 'numbered variants of the bench prompts (CLINC150 not found)', texts };
}
