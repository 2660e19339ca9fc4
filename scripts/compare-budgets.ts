/**
 * Does the input budget cost routing accuracy, and which part of an over-long prompt should be kept?
 * Exact cosine 1-NN accuracy with each embedder's budget off, keeping the head, and keeping head and
 * tail, on CLINC150 (in-scope train → test), Banking77 (train → test) and RouterBench prompts whole,
 * few-shot examples included (train → test; labels: the task, and whether gpt-3.5-turbo answered
 * correctly). Datasets are read at run time by path and never copied into the project.
 * Usage: npm run compare-budgets -- [--limit 400] [--data ../shared/data] [--embedders lexical,use-lite]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_CHARS } from '../src/embedding/create-pool.js';
import type { Embedder, InputBudget } from '../src/embedding/embedder.js';
import { cutToChars } from '../src/embedding/input-budget.js';
import { LexicalEmbedder } from '../src/embedding/lexical-embedder.js';
import { UseLiteEmbedder } from '../src/embedding/use-lite-embedder.js';
import { loadRouterbench } from '../src/eval/datasets/routerbench.js';
import { BruteForceIndex } from '../src/index/brute-force-index.js';
import { machineLine } from './bench-lib.js';
import { loadBanking77, loadClinc150, type Labelled } from './compare-budgets-data.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseScriptArgs({
  options: {
    limit: { type: 'string', default: '400' },
    data: { type: 'string', default: path.resolve(ROOT, '../shared/data') },
    embedders: { type: 'string', default: 'lexical,use-lite' },
  },
});
const LIMIT = Number(args.limit);
/** Budgets tighter than the defaults, in characters. */
const TIGHTER = [1_000, 500];

interface Task {
  readonly name: string;
  readonly references: readonly Labelled[];
  readonly queries: readonly Labelled[];
}

function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)] as T);
}

function routerbenchTasks(dir: string): Task[] {
  const rows = loadRouterbench(dir, { fullPrompt: true }).rows;
  const byLabel = (label: (r: (typeof rows)[number]) => string | undefined) => (split: 'train' | 'test') =>
    spread(rows.filter((r) => r.split === split), LIMIT).flatMap((r) => {
      const l = label(r);
      return l === undefined ? [] : [{ text: r.prompt, label: l }];
    });
  const task = byLabel((r) => r.group);
  const gpt35 = byLabel((r) => (r.outcomes['gpt-3.5-turbo-1106'] === undefined ? undefined : String(r.outcomes['gpt-3.5-turbo-1106'] >= 0.5)));
  return [
    { name: 'routerbench (task)', references: task('train'), queries: task('test') },
    { name: 'routerbench (gpt-3.5 correct)', references: gpt35('train'), queries: gpt35('test') },
  ];
}

async function accuracy(embedder: Embedder, task: Task, budget: InputBudget | undefined): Promise<number> {
  const prep = (xs: readonly Labelled[]) => xs.map((x) => (budget ? cutToChars(x.text, budget).text : x.text));
  const refVectors = await embedder.embed(prep(task.references));
  const index = new BruteForceIndex(embedder.fingerprint.dims);
  refVectors.forEach((v, i) => index.add(i, v));
  const queryVectors = await embedder.embed(prep(task.queries));
  let correct = 0;
  queryVectors.forEach((v, i) => {
    const [best] = index.search(v, 1);
    if (best && task.references[best.label]?.label === task.queries[i]?.label) correct += 1;
  });
  return correct / Math.max(1, task.queries.length);
}

function overBudget(task: Task, maxChars: number): string {
  const all = [...task.references, ...task.queries];
  const over = all.filter((x) => x.text.length > maxChars).length;
  const longest = Math.max(...all.map((x) => x.text.length));
  return `${over}/${all.length} over, longest ${longest}`;
}

async function main(): Promise<void> {
  console.log(`compare-budgets, ${new Date().toISOString()}, limit ${LIMIT} per split; ${machineLine()}`);
  const tasks: Task[] = [
    { name: 'CLINC150', ...loadClinc150(path.join(args.data, 'clinc150'), LIMIT) },
    { name: 'Banking77', ...loadBanking77(path.join(args.data, 'banking77'), LIMIT) },
    ...routerbenchTasks(path.join(args.data, 'routerbench_subset')),
  ];
  const embedders = args.embedders.split(',');
  console.log('| embedder | budget | dataset | texts over budget | 1-NN none | head | head+tail | head − none | head+tail − none |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const name of embedders) {
    const embedder: Embedder = name === 'use-lite' ? await UseLiteEmbedder.create({ batchSize: 8 }) : new LexicalEmbedder({ dims: 1024 });
    // The default budget, then tighter ones: they show which part to keep once prompts do get cut.
    const budgets = [name === 'use-lite' ? DEFAULT_MAX_CHARS['use-lite'] : DEFAULT_MAX_CHARS.lexical, ...TIGHTER];
    for (const task of tasks) {
      const none = await accuracy(embedder, task, undefined);
      for (const maxChars of budgets) {
        if (!task.references.concat(task.queries).some((x) => x.text.length > maxChars) && maxChars !== budgets[0]) continue;
        const head = await accuracy(embedder, task, { maxChars, keep: 'head' });
        const both = await accuracy(embedder, task, { maxChars, keep: 'head+tail' });
        const pt = (x: number) => (100 * x).toFixed(1);
        const d = (x: number) => `${x >= none ? '+' : ''}${(100 * (x - none)).toFixed(1)}`;
        console.log(`| ${name} | ${maxChars} chars | ${task.name} | ${overBudget(task, maxChars)} | ${pt(none)} | ${pt(head)} | ${pt(both)} | ${d(head)} | ${d(both)} |`);
      }
    }
  }
  console.log(`done ${new Date().toISOString()}; ${machineLine()}`);
}

await main();
