import path from 'node:path';
import { DEFAULT_BENCH_MODELS_DIR } from '../make-bench-model.js';
import { ROOT } from './fixtures.js';
import { EMBED_DTYPES, type EmbedDtype } from './embed-model.js';
import { ROUTE_BACKENDS, type RouteBackend } from './route-backends.js';
import { parseScriptArgs } from '../../src/shared/command-line.js';

export const SECTIONS = ['decision', 'recall', 'memory', 'rebuild', 'http', 'embed', 'seed', 'outcomes', 'route-backends', 'embed-model'] as const;
export type Section = (typeof SECTIONS)[number];

export const HELP = `npm run bench -- [options]

Sections (all by default; pick some with --only a,b):
  decision   decision time without embedding (search + neighbour reads + policy) at each --sizes,
             HNSW against an exact brute-force scan over the same synthetic vectors
  recall     HNSW recall@10 against the exact scan at each size, at the configured efSearch and a sweep
  memory     RSS of a fresh process that opened each size's store (index loaded from its file)
  rebuild    index rebuild time from the vectors in SQLite, at --rebuild-size
  http       POST /v1/route (lexical embedder, bundled reference sets) under autocannon over loopback,
             beside a trivial Hono handler and a framing-only one (body read and validated, the same
             response bytes, no routing) in the same process and run; plus in-process timings
  embed      texts/s per embedding backend, batched (32) vs one text per call
  seed       seeding throughput through the real seeding path (JSONL set → SQLite → embed → index)
  outcomes   outcome ingestion with durable commits, in-process and over HTTP (autocannon)
  route-backends
             POST /v1/route per embedding backend (transformers on the generated MiniLM-architecture
             model, use-lite, lexical), each tree in a serve process of its own: sequential p50 for
             short and ~400-word prompts, req/s at --route-connections; with --baseline, that
             checkout too, side by side, rounds alternating; transformers once per --route-dtypes
  embed-model
             the MiniLM-architecture model in-process, fp32 and q8 (int8 weights): texts/s for
             mixed-length texts, one at a time, in batches in input order and grouped by length;
             RSS the loaded model adds

Options:
  --only <list>            comma-separated sections
  --sizes <list>           reference counts for decision/recall/memory (default 1000,10000,100000;
                           add 1000000 for the 1M run: it builds for about half an hour on 2 cores)
  --queries <n>            HNSW decision queries per size (default 2000)
  --exact-queries <n>      exact-scan queries per size, fewer above 100k (default 500)
  --ef-sweep <list>        efSearch values for the recall sweep (default 16,32,64,128)
  --rebuild-size <n>       references for the rebuild section (default 100000)
  --requests <n>           sequential in-process /v1/route requests (default 1000)
  --connections <list>     autocannon connections for the http section (default 1,10)
  --duration <s>           seconds per autocannon run in the http section (default 10)
  --rounds <n>             alternating trivial/route rounds per connection count (default 2)
  --embed-texts <n>        texts per backend in the embed section (default 256)
  --seed-prompts <n>       prompts seeded with the lexical embedder (default 10000)
  --seed-model-prompts <n> prompts seeded with USE Lite (default 1000)
  --data <dir>             shared datasets (CLINC150 texts; default ../shared/data)
  --model-path <dir>       folder with transformers models (default test/fixtures/models)
  --outcomes <n>           in-process outcomes (default 20000)
  --concurrency <n>        outcomes in flight, and autocannon connections for outcomes (default 64)
  --seconds <s>            autocannon seconds for outcomes over HTTP (default 20)
  --baseline <dir>         a checkout of an earlier commit to compare in route-backends
                           (e.g. git worktree add ../baseline b9bfc05 && (cd ../baseline && npm ci))
  --route-backends <list>  default ${ROUTE_BACKENDS.join(',')}
  --route-dtypes <list>    transformers model files to serve side by side (default ${EMBED_DTYPES.join(',')})
  --route-connections <n>  concurrent clients for req/s (default 10)
  --route-seconds <s>      seconds per req/s run (default 8)
  --route-short <n>        sequential short prompts per round (default 40)
  --route-long <n>         sequential ~400-word prompts per round (default 10)
  --route-rounds <n>       alternating rounds (default 2)
  --route-huge <n>         then 190,000-character prompts: one alone, then n at once while /healthz
                           is probed every 20 ms (default 20; 0 skips)
  --route-huge-timeout <s> per huge-prompt step (default 30)
  --embed-model-texts <n>  mixed-length texts in embed-model (default 120)
  --embed-model-batches <list> batch sizes in embed-model (default 8,16,32)
  --embed-model-dtypes <list> model files in embed-model (default ${EMBED_DTYPES.join(',')})
  --models-dir <dir>       where the MiniLM-architecture bench model is generated on first use
                           (default ${DEFAULT_BENCH_MODELS_DIR}; npm run make-bench-model writes it)
  --json <file>            also write every table as JSON
  -h, --help`;

export interface BenchOptions {
  readonly only: ReadonlySet<Section>;
  readonly sizes: readonly number[];
  readonly queries: number;
  readonly exactQueries: number;
  readonly efSweep: readonly number[];
  readonly rebuildSize: number;
  readonly requests: number;
  readonly connections: readonly number[];
  readonly duration: number;
  readonly rounds: number;
  readonly embedTexts: number;
  readonly seedPrompts: number;
  readonly seedModelPrompts: number;
  readonly data: string;
  readonly modelPath: string;
  readonly outcomes: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly baseline: string | undefined;
  readonly routeBackends: readonly RouteBackend[];
  readonly routeDtypes: readonly EmbedDtype[];
  readonly routeConnections: number;
  readonly routeSeconds: number;
  readonly routeShort: number;
  readonly routeLong: number;
  readonly routeRounds: number;
  readonly routeHuge: number;
  readonly routeHugeTimeout: number;
  readonly modelsDir: string;
  readonly embedModelTexts: number;
  readonly embedModelBatches: readonly number[];
  readonly embedModelDtypes: readonly EmbedDtype[];
  readonly json: string | undefined;
  readonly help: boolean;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseScriptArgs({
    args: [...argv],
    options: {
      only: { type: 'string', default: SECTIONS.join(',') },
      sizes: { type: 'string', default: '1000,10000,100000' },
      queries: { type: 'string', default: '2000' },
      'exact-queries': { type: 'string', default: '500' },
      'ef-sweep': { type: 'string', default: '16,32,64,128' },
      'rebuild-size': { type: 'string', default: '100000' },
      requests: { type: 'string', default: '1000' },
      connections: { type: 'string', default: '1,10' },
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '2' },
      'embed-texts': { type: 'string', default: '256' },
      'seed-prompts': { type: 'string', default: '10000' },
      'seed-model-prompts': { type: 'string', default: '1000' },
      data: { type: 'string', default: path.resolve(ROOT, '../shared/data') },
      'model-path': { type: 'string', default: path.join(ROOT, 'test/fixtures/models') },
      outcomes: { type: 'string', default: '20000' },
      concurrency: { type: 'string', default: '64' },
      seconds: { type: 'string', default: '20' },
      baseline: { type: 'string' },
      'route-backends': { type: 'string', default: ROUTE_BACKENDS.join(',') },
      'route-dtypes': { type: 'string', default: EMBED_DTYPES.join(',') },
      'route-connections': { type: 'string', default: '10' },
      'route-seconds': { type: 'string', default: '8' },
      'route-short': { type: 'string', default: '40' },
      'route-long': { type: 'string', default: '10' },
      'route-rounds': { type: 'string', default: '2' },
      'route-huge': { type: 'string', default: '20' },
      'route-huge-timeout': { type: 'string', default: '30' },
      'models-dir': { type: 'string', default: DEFAULT_BENCH_MODELS_DIR },
      'embed-model-texts': { type: 'string', default: '120' },
      'embed-model-batches': { type: 'string', default: '8,16,32' },
      'embed-model-dtypes': { type: 'string', default: EMBED_DTYPES.join(',') },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    only: sections(values.only),
    sizes: list(values.sizes, 'sizes'),
    queries: positive(values.queries, 'queries'),
    exactQueries: positive(values['exact-queries'], 'exact-queries'),
    efSweep: list(values['ef-sweep'], 'ef-sweep'),
    rebuildSize: positive(values['rebuild-size'], 'rebuild-size'),
    requests: positive(values.requests, 'requests'),
    connections: list(values.connections, 'connections'),
    duration: positive(values.duration, 'duration'),
    rounds: positive(values.rounds, 'rounds'),
    embedTexts: positive(values['embed-texts'], 'embed-texts'),
    seedPrompts: positive(values['seed-prompts'], 'seed-prompts'),
    seedModelPrompts: positive(values['seed-model-prompts'], 'seed-model-prompts'),
    data: values.data,
    modelPath: values['model-path'],
    outcomes: positive(values.outcomes, 'outcomes'),
    concurrency: positive(values.concurrency, 'concurrency'),
    seconds: positive(values.seconds, 'seconds'),
    baseline: values.baseline,
    routeBackends: routeBackends(values['route-backends']),
    routeDtypes: dtypes(values['route-dtypes'], 'route-dtypes'),
    routeConnections: positive(values['route-connections'], 'route-connections'),
    routeSeconds: positive(values['route-seconds'], 'route-seconds'),
    routeShort: positive(values['route-short'], 'route-short'),
    routeLong: positive(values['route-long'], 'route-long'),
    routeRounds: positive(values['route-rounds'], 'route-rounds'),
    routeHuge: values['route-huge'] === '0' ? 0 : positive(values['route-huge'], 'route-huge'),
    routeHugeTimeout: positive(values['route-huge-timeout'], 'route-huge-timeout'),
    modelsDir: values['models-dir'],
    embedModelTexts: positive(values['embed-model-texts'], 'embed-model-texts'),
    embedModelBatches: list(values['embed-model-batches'], 'embed-model-batches'),
    embedModelDtypes: dtypes(values['embed-model-dtypes'], 'embed-model-dtypes'),
    json: values.json,
    help: values.help,
  };
}

function sections(raw: string): Set<Section> {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !isSection(n));
  if (unknown.length > 0) throw new Error(`unknown section(s): ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  return new Set(names.filter(isSection));
}

function routeBackends(raw: string): RouteBackend[] {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const known: readonly string[] = ROUTE_BACKENDS;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown backend(s): ${unknown.join(', ')}; known: ${ROUTE_BACKENDS.join(', ')}`);
  return ROUTE_BACKENDS.filter((b) => names.includes(b));
}

function dtypes(raw: string, name: string): EmbedDtype[] {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const known: readonly string[] = EMBED_DTYPES;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--${name}: unknown dtype(s) '${unknown.join(', ')}'; known: ${EMBED_DTYPES.join(', ')}`);
  return [...new Set(names)].filter((n): n is EmbedDtype => known.includes(n));
}

function isSection(name: string): name is Section {
  return (SECTIONS as readonly string[]).includes(name);
}

function positive(raw: string, name: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
  return n;
}

function list(raw: string, name: string): number[] {
  return raw.split(',').map((s) => positive(s.trim(), name));
}
