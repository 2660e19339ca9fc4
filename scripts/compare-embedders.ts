/**
 * Compares the embedders side by side: exact cosine 1-NN intent accuracy on CLINC150 (in-scope
 * train as references, in-scope test as queries) and Banking77 (train / test), embedding
 * throughput batched (32) vs one text at a time, and load time. Datasets are read at run time by
 * path and never copied into the project.
 * Usage: npm run compare-embedders -- [--limit 300] [--data ../shared/data] [--model-path <dir>] [--json out.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Embedder } from '../src/embedding/embedder.js';
import { LexicalEmbedder } from '../src/embedding/lexical-embedder.js';
import { TransformersEmbedder } from '../src/embedding/transformers-embedder.js';
import { UseLiteEmbedder } from '../src/embedding/use-lite-embedder.js';
import { BruteForceIndex } from '../src/index/brute-force-index.js';
import { machineLine } from './bench-lib.js';
import { parseScriptArgs } from '../src/shared/command-line.js';
import { ConfigSchema } from '../src/config/schema.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BATCH = 32;
const HELP = `npm run compare-embedders -- [options]
  --limit <n>              at most n references and n queries per dataset, spread over all intents (quick run)
  --data <dir>             dataset folder (default: ../shared/data from the project root)
  --model-path <dir>       folder with <model-id>/ for the transformers backend (never downloads)
  --model-id <id>          transformers model (default Xenova/all-MiniLM-L6-v2, the config default)
  --throughput-sample <n>  texts timed batched and one at a time (default 256)
  --json <file>            also write the results as JSON
  -h, --help`;

const { values: args } = parseScriptArgs({
  options: {
    limit: { type: 'string' },
    data: { type: 'string', default: path.resolve(ROOT, '../shared/data') },
    'model-path': { type: 'string' },
    'model-id': { type: 'string', default: 'Xenova/all-MiniLM-L6-v2' },
    'throughput-sample': { type: 'string', default: '256' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

interface Example {
  readonly text: string;
  readonly intent: string;
}
interface Dataset {
  readonly name: string;
  readonly references: readonly Example[];
  readonly queries: readonly Example[];
}
interface Candidate {
  readonly name: string;
  readonly create: () => Promise<Embedder>;
}
interface DatasetResult {
  readonly dataset: string;
  readonly accuracy: number;
  readonly correct: number;
  readonly queries: number;
  readonly embedSeconds: number;
}
type BackendResult =
  | { readonly backend: string; readonly status: 'skipped'; readonly reason: string }
  | {
      readonly backend: string;
      readonly status: 'ok';
      readonly modelId: string;
      readonly dims: number;
      readonly loadMs: number;
      readonly batchedPerSecond: number;
      readonly singlePerSecond: number;
      readonly datasets: readonly DatasetResult[];
    };

/** Every k-th item, so a limited run keeps all intents (both files are sorted by intent). */
function spread<T>(items: readonly T[], limit: number | undefined): T[] {
  if (limit === undefined || limit >= items.length) return [...items];
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)]).filter((x): x is T => x !== undefined);
}

const ClincFile = z.object({
  train: z.array(z.tuple([z.string(), z.string()])),
  test: z.array(z.tuple([z.string(), z.string()])),
});

function loadClinc(dir: string, limit: number | undefined): Dataset {
  const raw: unknown = JSON.parse(readFileSync(path.join(dir, 'clinc150/data_full.json'), 'utf8'));
  const file = ClincFile.parse(raw);
  const toExample = ([text, intent]: [string, string]): Example => ({ text, intent });
  return { name: 'CLINC150', references: spread(file.train.map(toExample), limit), queries: spread(file.test.map(toExample), limit) };
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] ?? '';
    if (quoted && ch === '"' && source[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (quoted || (ch !== ',' && ch !== '\n' && ch !== '\r')) field += ch;
    else if (ch === ',') endField();
    else if (ch === '\n' || source[i + 1] !== '\n') {
      // A row ends at \n; a \r ends it only when no \n follows (\r\n ends it once, at the \n).
      endField();
      rows.push(row);
      row = [];
    }
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

function loadBankingSplit(file: string): Example[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (header?.join(',') !== 'text,category') throw new Error(`${file}: expected the header text,category`);
  return rows.filter((r) => r.length === 2).map(([text = '', intent = '']) => ({ text, intent }));
}

function loadBanking(dir: string, limit: number | undefined): Dataset {
  const references = loadBankingSplit(path.join(dir, 'banking77/train.csv'));
  const queries = loadBankingSplit(path.join(dir, 'banking77/test.csv'));
  return { name: 'Banking77', references: spread(references, limit), queries: spread(queries, limit) };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** Exact cosine 1-NN: the nearest reference's intent must equal the query's. */
async function oneNearestNeighbour(embedder: Embedder, dataset: Dataset): Promise<DatasetResult> {
  const refs = await timed(() => embedder.embed(dataset.references.map((e) => e.text)));
  const index = new BruteForceIndex(embedder.fingerprint.dims, refs.value.length);
  refs.value.forEach((vector, label) => index.add(label, vector));
  const queries = await timed(() => embedder.embed(dataset.queries.map((e) => e.text)));
  let correct = 0;
  queries.value.forEach((vector, i) => {
    const [top] = index.search(vector, 1);
    if (top !== undefined && dataset.references[top.label]?.intent === dataset.queries[i]?.intent) correct++;
  });
  const n = dataset.queries.length;
  return { dataset: dataset.name, accuracy: n > 0 ? correct / n : 0, correct, queries: n, embedSeconds: refs.seconds + queries.seconds };
}

async function throughput(embedder: Embedder, sample: readonly string[]): Promise<{ batched: number; single: number }> {
  await embedder.embed(sample.slice(0, 4)); // warm-up, so neither mode pays first-call costs
  const batched = await timed(() => embedder.embed(sample));
  const single = await timed(async () => {
    for (const text of sample) await embedder.embed([text]);
  });
  return { batched: sample.length / batched.seconds, single: sample.length / single.seconds };
}

async function evaluate(candidate: Candidate, datasets: readonly Dataset[], sample: readonly string[]): Promise<BackendResult> {
  let loaded: { value: Embedder; seconds: number };
  try {
    loaded = await timed(candidate.create);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    return { backend: candidate.name, status: 'skipped', reason };
  }
  const embedder = loaded.value;
  const speed = await throughput(embedder, sample);
  const results: DatasetResult[] = [];
  for (const dataset of datasets) {
    const result = await oneNearestNeighbour(embedder, dataset);
    console.error(`  ${candidate.name} ${dataset.name}: ${pct(result.accuracy)} in ${result.embedSeconds.toFixed(1)} s of embedding`);
    results.push(result);
  }
  const { modelId, dims } = embedder.fingerprint;
  return { backend: candidate.name, status: 'ok', modelId, dims, loadMs: loaded.seconds * 1000, batchedPerSecond: speed.batched, singlePerSecond: speed.single, datasets: results };
}

function candidates(): Candidate[] {
  const modelPath = args['model-path'];
  return [
    {
      name: 'transformers',
      create: () =>
        TransformersEmbedder.create({
          modelId: args['model-id'],
          cacheDir: path.join(ROOT, 'data/models'),
          allowRemote: false,
          dtype: 'fp32',
          batchSize: BATCH,
          ...(modelPath !== undefined ? { localModelPath: modelPath } : {}),
        }),
    },
    { name: 'use-lite', create: () => UseLiteEmbedder.create({ batchSize: BATCH }) },
    // The service's own lexical settings (embedding.lexicalDims), so the table describes what serves.
    { name: 'lexical', create: async () => new LexicalEmbedder({ dims: ConfigSchema.shape.embedding.parse({}).lexicalDims }) },
  ];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function table(results: readonly BackendResult[], datasets: readonly Dataset[]): string {
  const head = ['backend', 'model', 'dims', 'load ms', ...datasets.map((d) => `${d.name} 1-NN`), 'batched/s', 'single/s'];
  const rows = results.map((r) =>
    r.status === 'skipped'
      ? [r.backend, 'not loaded (see below)', ...head.slice(2).map(() => '-')]
      : [
          r.backend,
          r.modelId,
          String(r.dims),
          r.loadMs.toFixed(0),
          ...r.datasets.map((d) => `${pct(d.accuracy)} (${d.correct}/${d.queries})`),
          r.batchedPerSecond.toFixed(1),
          r.singlePerSecond.toFixed(1),
        ],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const notes = results.flatMap((r) => (r.status === 'skipped' ? [`${r.backend} not loaded: ${r.reason}`] : []));
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

async function main(): Promise<void> {
  if (args.help) return void console.log(HELP);
  const limit = args.limit !== undefined ? z.coerce.number().int().positive().parse(args.limit) : undefined;
  const sampleSize = z.coerce.number().int().positive().parse(args['throughput-sample']);
  const datasets = [loadClinc(args.data, limit), loadBanking(args.data, limit)];
  const sample = spread(datasets[0]?.queries ?? [], sampleSize).map((e) => e.text);
  console.log(machineLine());
  for (const d of datasets) console.log(`${d.name}: ${d.references.length} references, ${d.queries.length} queries`);
  console.log(`throughput: ${sample.length} CLINC150 test texts, batch ${BATCH} vs one at a time; 1-NN by exact cosine (BruteForceIndex)`);
  const results: BackendResult[] = [];
  for (const candidate of candidates()) {
    console.error(`${candidate.name}: loading and measuring...`);
    results.push(await evaluate(candidate, datasets, sample));
  }
  console.log(`\n${table(results, datasets)}`);
  if (args.json !== undefined) {
    const out = { machine: machineLine(), limit: limit ?? null, throughputSample: sample.length, batchSize: BATCH, results };
    writeFileSync(args.json, JSON.stringify(out, null, 2) + '\n');
    console.log(`\nwrote ${args.json}`);
  }
}

await main();
