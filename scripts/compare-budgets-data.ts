import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { csvObjects } from '../src/eval/csv.js';

/** A text and the label 1-NN must recover. */
export interface Labelled {
  readonly text: string;
  readonly label: string;
}

/** At most `n` items, spread evenly over the list (so every intent is represented). */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)] as T);
}

const ClincFile = z.object({ train: z.array(z.tuple([z.string(), z.string()])), test: z.array(z.tuple([z.string(), z.string()])) });

/** CLINC150 in-scope: train utterances are references, test utterances queries. */
export function loadClinc150(dir: string, limit: number): { references: Labelled[]; queries: Labelled[] } {
  const file = ClincFile.parse(JSON.parse(readFileSync(path.join(dir, 'data_full.json'), 'utf8')));
  const toLabelled = ([text, label]: [string, string]): Labelled => ({ text, label });
  return { references: spread(file.train.map(toLabelled), limit), queries: spread(file.test.map(toLabelled), limit) };
}

/** Banking77: train.csv references, test.csv queries (columns text, category). */
export function loadBanking77(dir: string, limit: number): { references: Labelled[]; queries: Labelled[] } {
  const read = (name: string) =>
    csvObjects(readFileSync(path.join(dir, name), 'utf8'), name).map(({ values }) => ({ text: values['text'] ?? '', label: values['category'] ?? '' }));
  return { references: spread(read('train.csv'), limit), queries: spread(read('test.csv'), limit) };
}
