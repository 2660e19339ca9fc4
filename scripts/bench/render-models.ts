import type { EmbedModelResult } from './embed-model.js';
import type { PoolMemoryRow } from './pool-memory.js';
import { formatNumber, ratio, type Report } from './report.js';
import type { RouteBackendsResult, RouteRun } from './route-backends.js';

const MiB = 2 ** 20;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Per backend and tree: medians over rounds of the p50s, mean req/s with its range, and the ratio to the first tree. */
export function routeBackendsTable(report: Report, r: RouteBackendsResult, connections: number): void {
  const groups = new Map<string, RouteRun[]>();
  for (const run of r.runs) groups.set(`${run.backend}\u0000${run.tree}`, [...(groups.get(`${run.backend}\u0000${run.tree}`) ?? []), run]);
  const firstTreeRps = new Map<string, number>();
  const rows = [...groups.values()].map((runs) => {
    const { backend, tree } = runs[0] ?? { backend: '', tree: '' };
    const rps = runs.map((x) => x.load.rps);
    const base = firstTreeRps.get(backend);
    if (base === undefined) firstTreeRps.set(backend, mean(rps));
    const info = r.servers.find((s) => s.backend === backend && s.tree === tree);
    return [
      backend,
      `${tree} (${info?.commit ?? '?'})`,
      `${formatNumber(median(runs.map((x) => x.short.p50)))} ms`,
      `${formatNumber(median(runs.map((x) => x.long.p50)))} ms`,
      `${formatNumber(mean(rps))} (${formatNumber(Math.min(...rps))}–${formatNumber(Math.max(...rps))})`,
      base === undefined ? '1×' : ratio(mean(rps) / base),
      `${formatNumber(median(runs.map((x) => x.load.latency.p50)))} / ${formatNumber(median(runs.map((x) => x.load.latency.p99)))} ms`,
      runs.reduce((n, x) => n + x.load.errors, 0),
      info?.rss != null ? `${formatNumber(info.rss / MiB)} MiB` : null,
      info ? `${formatNumber(info.startSeconds)} s` : null,
    ];
  });
  report.table(
    'route-backends',
    `POST /v1/route by embedding backend, each tree in its own serve process (rounds alternate between trees)`,
    ['backend', 'tree (commit)', 'short p50, sequential', `~${r.longWords}-word p50, sequential`, `req/s at c=${connections} (range)`, 'req/s ÷ first tree', `p50 / p99 at c=${connections}`, 'errors', 'RSS after', 'ready after'],
    rows,
    [
      `transformers = the generated MiniLM-architecture model (${r.model}; random weights, onnxruntime CPU; fp32 = onnx/model.onnx, q8 = onnx/model_quantized.onnx, int8 weights)`,
      'every request carries a different prompt (a request number), so no cache by prompt answers; short = the bench prompts, long = CLINC150 utterances joined',
      'sequential p50: median over rounds of each round’s p50; req/s: mean over rounds (min–max); ready after: seeding the bundled reference sets included',
    ],
  );
}

/** texts/s by order and batch size for each dtype, relative to one text at a time and to the first dtype; then what one loaded model costs. */
export function embedModelTables(report: Report, r: EmbedModelResult): void {
  const [first, ...others] = r.dtypes;
  const rate = (order: string, batchSize: number, dtype: string) => r.runs.find((x) => x.order === order && x.batchSize === batchSize && x.dtype === dtype)?.textsPerSecond ?? NaN;
  const single = rate('one at a time', 1, first ?? '');
  const configs = r.runs.filter((x) => x.dtype === first);
  report.table(
    'embed-model',
    `Embedding throughput on the MiniLM-architecture model, mixed lengths (${r.texts} texts, ${r.words.min}–${r.words.max} words, median ${r.words.median})`,
    ['order', 'batch size', ...r.dtypes.map((d) => `${d} texts/s`), `${first ?? ''} ÷ one at a time`, ...others.map((d) => `${d} ÷ ${first ?? ''}`), 'padding (est.)'],
    configs.map((x) => [
      x.order,
      x.batchSize,
      ...r.dtypes.map((d) => formatNumber(rate(x.order, x.batchSize, d))),
      ratio(x.textsPerSecond / single),
      ...others.map((d) => ratio(rate(x.order, x.batchSize, d) / x.textsPerSecond)),
      ratio(x.paddingFactor),
    ]),
    [
      `model: ${r.model} (onnxruntime CPU, default intra-op threads, one process, one embed call per batch); fp32 = onnx/model.onnx, q8 = onnx/model_quantized.onnx (int8 weights, dynamic quantisation)`,
      'each row runs the dtypes back to back, alternating which goes first',
      'texts: CLINC150 utterances, every 6th a paragraph of 8–40 of them; grouped by length = sorted by characters before batching',
      'padding (est.): tokens the batches hold ÷ real tokens, from word counts + 2 (capped at 256)',
    ],
  );
  report.table(
    'embed-model',
    `Vectors by dtype (random weights: a sanity check of the quantised file, not of retrieval quality)`,
    ['dtype', 'texts', `largest 1 − cos to ${first ?? ''}, alone`, 'largest 1 − cos, in a batch of 8 vs alone'],
    r.agreement.map((a) => [a.dtype, a.texts, a.maxDistanceToFirst === null ? '–' : a.maxDistanceToFirst.toExponential(1), a.maxBatchDistance.toExponential(1)]),
    ['the first texts of the mixed set; batches grouped by length, padded to their longest; q8 quantises activations per tensor over the whole batch'],
  );
  report.table(
    'embed-model',
    'Memory of one loaded copy of the MiniLM-architecture model (a process of its own; each embedding worker holds one)',
    ['dtype', 'RSS before load', 'after load + warm-up', 'after a 32-text batch', 'one copy adds'],
    r.memory.map((m) => [m.dtype, `${formatNumber(m.before / MiB)} MiB`, `${formatNumber(m.loaded / MiB)} MiB`, `${formatNumber(m.afterBatch / MiB)} MiB`, `${formatNumber((m.afterBatch - m.before) / MiB)} MiB`]),
    ['model.onnx is 85 MiB of fp32 weights, model_quantized.onnx 22 MiB of int8; the rest is onnxruntime’s session and arena'],
  );
}

/** The 190,000-character prompt alone and 20 at once, with /healthz latency meanwhile. */
export function hugeTable(report: Report, r: RouteBackendsResult): void {
  if (r.huge.length === 0) return;
  report.table(
    'route-backends',
    'A 190,000-character prompt: alone, then many at once while /healthz is probed every 20 ms',
    ['backend', 'tree', 'alone', 'at once: answered in time', 'at once: wall time', '/healthz p50 / p99 meanwhile', 'probes'],
    r.huge.map(({ backend, tree, result: h }) => [
      backend,
      tree,
      h.aloneMs === null ? `> ${h.timeoutSeconds} s (no answer)` : `${formatNumber(h.aloneMs)} ms`,
      h.concurrent ? `${h.concurrent.ok} / ${h.concurrent.concurrency}` : 'skipped',
      h.concurrent ? `${formatNumber(h.concurrent.wallMs / 1000)} s` : null,
      h.healthz ? `${formatNumber(h.healthz.p50)} / ${formatNumber(h.healthz.p99)} ms` : null,
      h.healthz?.n ?? null,
    ]),
    ['each step has its own timeout; a server still busy afterwards is stopped with SIGKILL; "skipped": the prompt alone did not answer in time'],
  );
}

/** RSS of the serve process by embedding.pool.size, and the step per added worker. */
export function poolMemoryTable(report: Report, rows: readonly PoolMemoryRow[]): void {
  report.table(
    'embed-model',
    'Memory per embedding worker: RSS of this tree’s serve process (transformers, MiniLM-architecture model) by embedding.pool.size',
    ['pool size', 'RSS after load', 'step from the previous size'],
    rows.map((r, i) => {
      const prev = rows[i - 1]?.rss;
      return [r.poolSize, r.rss === null ? `not started: ${r.error ?? ''}` : `${formatNumber(r.rss / MiB)} MiB`, r.rss !== null && prev != null ? `${formatNumber((r.rss - prev) / MiB)} MiB` : null];
    }),
    ['load before reading RSS: 6 ~300-word prompts one by one, 4 s of ~300-word prompts at 10 connections, 2 s of short ones (the arena grows with the longest batch)'],
  );
}
