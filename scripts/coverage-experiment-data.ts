/**
 * Intent-classification datasets for scripts/coverage-experiment.ts, read at run time by path
 * (never copied into the project): CLINC150, Banking77, or a JSONL file of {"text","intent"}.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { csvObjects } from '../src/eval/csv.js';
import { shuffledIndices } from '../src/coverage/vectors.js';

export interface Utterance {
  readonly text: string;
  readonly intent: string;
}

export interface IntentDataset {
  readonly name: string;
  readonly train: readonly Utterance[];
  /** The split to tune on (CLINC150's val); null when the dataset has none. */
  readonly val: readonly Utterance[] | null;
  readonly test: readonly Utterance[];
  /** Out-of-scope utterances (CLINC150 oos_test), reported apart from the intents. */
  readonly oos: readonly Utterance[];
}

const Pair = z.tuple([z.string(), z.string()]);
const ClincSchema = z.object({ train: z.array(Pair), val: z.array(Pair), test: z.array(Pair), oos_test: z.array(Pair) });
const JsonlLine = z.object({ text: z.string().min(1), intent: z.string().min(1), split: z.enum(['train', 'val', 'test']).optional() });

const toUtterances = (pairs: readonly (readonly [string, string])[]): Utterance[] => pairs.map(([text, intent]) => ({ text, intent }));

export function loadIntentDataset(spec: string, dataDir: string, seed: number): IntentDataset {
  if (spec === 'clinc150') {
    const raw = ClincSchema.parse(JSON.parse(readFileSync(path.join(dataDir, 'clinc150/data_full.json'), 'utf8')));
    return { name: 'clinc150', train: toUtterances(raw.train), val: toUtterances(raw.val), test: toUtterances(raw.test), oos: toUtterances(raw.oos_test) };
  }
  if (spec === 'banking77') {
    const read = (file: string) => {
      const full = path.join(dataDir, 'banking77', file);
      return csvObjects(readFileSync(full, 'utf8'), full).map((r) => ({ text: r.values['text'] ?? '', intent: r.values['category'] ?? '' }));
    };
    return { name: 'banking77', train: read('train.csv'), val: null, test: read('test.csv'), oos: [] };
  }
  return loadJsonl(spec, seed);
}

/** Lines with a `split` keep it; without one, 30% of each intent (seeded) becomes the test split. */
function loadJsonl(file: string, seed: number): IntentDataset {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const rows: z.infer<typeof JsonlLine>[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = JsonlLine.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    rows.push(parsed.data);
  });
  const bySplit = (s: 'train' | 'val' | 'test') => rows.filter((r) => r.split === s).map(({ text, intent }) => ({ text, intent }));
  const unsplit = rows.filter((r) => r.split === undefined);
  const test: Utterance[] = bySplit('test');
  const train: Utterance[] = bySplit('train');
  for (const intent of [...new Set(unsplit.map((r) => r.intent))].sort()) {
    const items = unsplit.filter((r) => r.intent === intent);
    const order = shuffledIndices(items.length, seed);
    const cut = Math.round(items.length * 0.3);
    order.forEach((idx, k) => {
      const item = items[idx];
      if (item) (k < cut ? test : train).push({ text: item.text, intent });
    });
  }
  const val = bySplit('val');
  return { name: path.basename(file), train, val: val.length > 0 ? val : null, test, oos: [] };
}

/** The known intents: a seeded share of the dataset's intents, the rest are unknown. */
export function pickKnownIntents(dataset: IntentDataset, share: number, seed: number): Set<string> {
  const intents = [...new Set(dataset.train.map((u) => u.intent))].sort();
  const order = shuffledIndices(intents.length, seed);
  return new Set(order.slice(0, Math.round(intents.length * share)).map((i) => intents[i] ?? ''));
}
