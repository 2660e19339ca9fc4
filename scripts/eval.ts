/**
 * Replays a routing dataset through the real router and reports the cost–quality trade-off.
 * Usage: npm run eval -- --dataset routerbench|routellm|routerdc | --file <path.jsonl> [options]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { envOverrides, parseConfig } from '../src/config/load.js';
import { createEmbedder } from '../src/embedding/create-embedder.js';
import type { Embedder } from '../src/embedding/embedder.js';
import { LexicalEmbedder } from '../src/embedding/lexical-embedder.js';
import { isDatasetName, loadDataset, type DatasetSpec } from '../src/eval/datasets.js';
import { projectEmbedding } from '../src/eval/embed-budget.js';
import { renderHtml, renderSvg } from '../src/eval/plot.js';
import { RECORD_SCHEMES, type RecordScheme } from '../src/eval/records.js';
import { renderGroup, renderSummary } from '../src/eval/render-table.js';
import type { FoldSummary } from '../src/eval/replay.js';
import { runEval, type EvalReport, type EvalSettings } from '../src/eval/run-eval.js';
import { COST_WEIGHT_GRID } from '../src/routing/policies/fit-policy.js';
import type { RoutingTarget } from '../src/routing/policies/target.js';
import { isPolicyName, POLICY_NAMES, type PolicyName } from '../src/routing/policies/registry.js';
import { AppError } from '../src/shared/errors.js';
import { createLogger, type Logger } from '../src/shared/logger.js';
import { machineLine } from './bench-lib.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The config schema needs a catalog; embedder settings do not depend on it. */
const PLACEHOLDER_CATALOG = [{ id: 'placeholder', provider: 'eval', inputPricePer1M: 1, outputPricePer1M: 1, contextWindow: 1 }];
/** The policy fit's grid (0 and 48 log-spaced weights from 0.001 to 20), so every hull vertex is reachable. */
const DEFAULT_COST_WEIGHTS = COST_WEIGHT_GRID.map((w) => Number(w.toPrecision(3))).join(',');

const HELP = `npm run eval -- (--dataset routerbench|routellm|routerdc | --file <path.jsonl>) [options]
  --data <dir>            shared data folder (default ../shared/data from the project root)
  --embedder <name>       use-lite | auto | lexical | transformers (default use-lite, the embedder README's
                          table names; auto = the service's choice, or lexical past --embed-budget)
  --embed-budget <s>      seconds auto may spend embedding (default 240; vectors are cached for later runs)
  --policies <list>       ${POLICY_NAMES.join(',')} (default: both)
  --targets <list>        operator targets checked on held-out rows, e.g. quality:0.95,cost:0.5 (the default);
                          'none' skips them
  --records <scheme>      success | pairwise: how scores become win records (default success)
  --folds <k>             cross-validation folds when the data has no split (default 5)
  --workers <n>           folds replayed at once, each in a worker thread (default: the CPU count, here
                          ${availableParallelism()}); the figures are the same for any value
  --seed <n>              fold shuffle seed (default 1)
  --cost-weights <list>   the sweep (default ${DEFAULT_COST_WEIGHTS})
  --k <n>                 neighbours per decision (default: fitted by leave-one-out per fold; a value
                          given here, or for --prior-strength / --similarity-power, turns the fit off)
  --default-model <id>    model for uncovered prompts (default: best mean score on the references)
  --min-support <n>       routing.minSupport (default: the router's, 1)
  --prior-strength <n>    routing.priorStrength for knn-winrate (default: the router's, 4)
  --similarity-power <n>  routing.similarityPower (default: the router's, 4)
  --groups <list>         only these groups (e.g. mmlu,gsm8k); the rest are dropped before the folds, so
                          the router also trains (references, fitted k, default model) on these groups
                          only, and a group's figures differ from its row in a run over every group
  --full-prompt           routerbench: route on the whole prompt, few-shot examples included
  --cache-dir <dir>       keep model embeddings between runs (default data/eval-cache; lexical is never kept)
  --no-cache              embed everything afresh and keep nothing
  --curves                print every group's sweep (by default only the 'all' group's; the JSON has all)
  --json <path>           write every figure as JSON
  --plot <path>           write the curves as .svg, or as .html holding the SVG`;

const { values } = parseScriptArgs({
  options: {
    dataset: { type: 'string' },
    file: { type: 'string' },
    data: { type: 'string', default: path.join(ROOT, '..', 'shared', 'data') },
    embedder: { type: 'string', default: 'use-lite' },
    'embed-budget': { type: 'string', default: '240' },
    policies: { type: 'string', default: POLICY_NAMES.join(',') },
    records: { type: 'string', default: 'success' },
    targets: { type: 'string', default: 'quality:0.95,cost:0.5' },
    folds: { type: 'string', default: '5' },
    workers: { type: 'string', default: String(availableParallelism()) },
    seed: { type: 'string', default: '1' },
    'cost-weights': { type: 'string', default: DEFAULT_COST_WEIGHTS },
    k: { type: 'string' },
    'default-model': { type: 'string' },
    'min-support': { type: 'string' },
    'prior-strength': { type: 'string' },
    'similarity-power': { type: 'string' },
    groups: { type: 'string' },
    'full-prompt': { type: 'boolean', default: false },
    'cache-dir': { type: 'string', default: path.join(ROOT, 'data', 'eval-cache') },
    'no-cache': { type: 'boolean', default: false },
    curves: { type: 'boolean', default: false },
    json: { type: 'string' },
    plot: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function fail(message: string): never {
  console.error(`eval: ${message}\n\n${HELP}`);
  process.exit(2);
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function numberList(text: string, flag: string): number[] {
  const out = list(text).map(Number);
  if (out.length === 0 || out.some((x) => !Number.isFinite(x) || x < 0)) fail(`${flag} takes non-negative numbers separated by commas`);
  return out;
}

function datasetSpec(): DatasetSpec {
  if (values.file !== undefined && values.dataset !== undefined) fail('give --dataset or --file, not both');
  if (values.file !== undefined) return { kind: 'file', file: path.resolve(values.file) };
  const name = values.dataset ?? fail('give --dataset or --file');
  if (!isDatasetName(name)) fail(`unknown dataset ${name}`);
  const groups = values.groups === undefined ? {} : { groups: list(values.groups) };
  return { kind: 'named', name, dataDir: path.resolve(values.data), fullPrompt: values['full-prompt'], ...groups };
}

function settings(): EvalSettings {
  const policies = list(values.policies);
  const unknown = policies.filter((p) => !isPolicyName(p));
  if (unknown.length > 0 || policies.length === 0) fail(`unknown policy ${unknown.join(', ')}; known: ${POLICY_NAMES.join(', ')}`);
  const scheme = RECORD_SCHEMES.find((s) => s === values.records) ?? fail(`--records is success or pairwise`);
  const k = values.k === undefined ? undefined : Number(values.k);
  if (k !== undefined && !(Number.isInteger(k) && k >= 1)) fail('--k takes a positive integer');
  return {
    folds: Number(values.folds),
    seed: Number(values.seed),
    costWeights: numberList(values['cost-weights'], '--cost-weights'),
    policies: policies.filter(isPolicyName),
    targets: targetList(values.targets),
    scheme: scheme satisfies RecordScheme,
    ...(k !== undefined ? { k } : {}),
    ...(values['default-model'] !== undefined ? { defaultModel: values['default-model'] } : {}),
    ...(values.groups !== undefined ? { groups: list(values.groups) } : {}),
    routing: routingOverrides(),
  } satisfies EvalSettings & { policies: PolicyName[] };
}

function targetList(text: string): RoutingTarget[] {
  if (text === 'none') return [];
  return list(text).map((item) => {
    const [kind, raw] = item.split(':');
    const value = Number(raw);
    if (!(value > 0 && value <= 1)) fail(`--targets: ${item} needs a share in (0, 1]`);
    if (kind === 'quality') return { qualityShare: value };
    if (kind === 'cost') return { costShare: value };
    return fail(`--targets: ${item} is quality:<share> or cost:<share>`);
  });
}

/** Router knobs from flags; the config schema validates their ranges when each fold's config is built. */
function routingOverrides(): Record<string, number> {
  const flags = { minSupport: values['min-support'], priorStrength: values['prior-strength'], similarityPower: values['similarity-power'] };
  const out: Record<string, number> = {};
  for (const [key, raw] of Object.entries(flags)) {
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) fail(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} takes a number`);
    out[key] = value;
  }
  return out;
}

/**
 * The embedder as the service would build it, from the backend flag plus any ROUTER_EMBEDDING__*
 * settings (e.g. a local model folder). A backend this build does not know yet (use-lite, while it
 * is being added) falls back to lexical with a warning instead of failing the run.
 */
async function evalEmbedder(backend: string, logger: Logger): Promise<Embedder> {
  const env = envOverrides(process.env);
  const envEmbedding = typeof env['embedding'] === 'object' && env['embedding'] !== null ? env['embedding'] : {};
  const build = (b: string) => parseConfig({ catalog: PLACEHOLDER_CATALOG, routing: { defaultModel: 'placeholder' }, embedding: { ...envEmbedding, backend: b } }, '--embedder');
  let config;
  try {
    config = build(backend);
  } catch (error) {
    if (!['auto', 'lexical', 'transformers', 'use-lite'].includes(backend)) fail(`unknown embedder ${backend}`);
    logger.warn({ backend, reason: error instanceof Error ? error.message : String(error) }, `embedder ${backend} is not available in this build; using lexical`);
    config = build('lexical');
  }
  const dataDir = path.resolve(ROOT, typeof env['dataDir'] === 'string' ? env['dataDir'] : 'data');
  return createEmbedder(config.embedding, dataDir, logger);
}

/**
 * `auto` keeps the service's embedder when the dataset's uncached prompts fit the time budget, and
 * otherwise uses lexical, saying so: a model embedder runs at a few prompts a second on a small CPU.
 * An explicitly named backend is always used.
 */
async function withinBudget(embedder: Embedder, prompts: readonly string[], cache: { cacheDir?: string }): Promise<Embedder> {
  if (values.embedder !== 'auto' || embedder.fingerprint.backend === 'lexical') return embedder;
  const budget = Number(values['embed-budget']);
  const projection = await projectEmbedding(embedder, prompts, cache);
  if (projection.seconds <= budget) return embedder;
  const name = embedder.fingerprint.backend;
  console.log(
    `embedder: auto chose ${name}, but embedding ${projection.missing} uncached prompts would take about ${Math.round(projection.seconds / 60)} min ` +
      `(budget ${budget} s), so this run uses lexical. Run with --embedder ${name} to wait for it once; its vectors are cached for later runs.`,
  );
  return new LexicalEmbedder({ dims: parseConfig({ catalog: PLACEHOLDER_CATALOG, routing: { defaultModel: 'placeholder' } }, 'defaults').embedding.lexicalDims });
}

/** The checkout's commit, with '+dirty' when files differ from it; null outside a git checkout. */
function gitCommit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') === '' ? '' : '+dirty'}`;
  } catch {
    return null;
  }
}

/** The command as a user would type it (npm run eval -- …), for the table that quotes it. */
function commandLine(): string {
  return ['npm run eval --', ...process.argv.slice(2)].join(' ');
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

function foldLine(f: FoldSummary): string {
  const fit = f.knnSuccessFit
    ? `, knn-success fit priorNeighbours ${f.knnSuccessFit.priorNeighbours} power ${f.knnSuccessFit.power} (LOO Brier ${f.knnSuccessFit.brier.toFixed(4)}, ${f.knnSuccessFit.samples} refs)`
    : '';
  const r = f.routingFit;
  const tuned = r
    ? `, fitted k ${r.k} power ${r.similarityPower} prior ${r.priorStrength} gap ${r.gapThreshold ?? '∞'} (LOO Brier ${r.brier.toFixed(4)}, AIQ ${fmt(r.looAiq)} vs zero router ${fmt(r.zeroRouterLooAiq)}, ${r.samples} refs, ${r.seconds.toFixed(1)} s)`
    : '';
  const phases = Object.entries(f.phases).map(([phase, s]) => `${phase} ${s.toFixed(1)}`).join(', ');
  return `fold ${f.fold + 1}: ${f.references} references, ${f.routed} routed, coverage threshold ${f.coverageThreshold.toFixed(3)}, default ${f.defaultModel}${tuned}${fit}, ${f.seconds.toFixed(1)} s (${phases})`;
}

function fmt(x: number | null): string {
  return x === null ? '–' : x.toFixed(3);
}

/** CPU seconds of this process (all threads): unlike wall time, it hardly depends on the machine's load. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function header(report: EvalReport, totalSeconds: number): string {
  const lines = [
    `dataset: ${report.dataset}: ${report.sizes.rows} rows; tested ${report.sizes.test}, routed and scored ${report.sizes.routed}` +
      (report.sizes.unscored > 0 ? ` (${report.sizes.unscored} test rows left out: some model's outcome unknown)` : ''),
    `evaluation: ${report.evaluation}; records from scores: ${report.scheme}; policies: ${report.policies.join(', ')}`,
    `embedder: ${report.embedder}`,
    `router: ${Object.entries(report.router).map(([key, value]) => `${key} ${value}`).join(', ')}`,
    `costs: ${report.costNote}`,
    ...report.notes.map((n) => `note: ${n}`),
    ...report.folds.map((f) => foldLine(f)),
    `seconds: embedding ${report.seconds.embed.toFixed(1)}, replay ${report.seconds.replay.toFixed(1)}, figures ${report.seconds.report.toFixed(1)}, total ${totalSeconds.toFixed(1)} (CPU ${cpuSeconds().toFixed(1)}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`,
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (values.help) {
    console.log(HELP);
    return;
  }
  const started = performance.now();
  const spec = datasetSpec();
  const evalSettings = settings();
  const logger = createLogger('warn');
  console.log(machineLine());
  const dataset = loadDataset(spec);
  const cache = values['no-cache'] ? {} : { cacheDir: path.resolve(values['cache-dir']) };
  const embedder = await withinBudget(await evalEmbedder(values.embedder, logger), dataset.rows.map((r) => r.prompt), cache);
  const progress = (message: string) => process.stderr.write(`  ${message}\n`);
  const workers = Number(values.workers);
  if (!(Number.isInteger(workers) && workers >= 1)) fail('--workers takes a positive integer');
  const report = await runEval(dataset, evalSettings, { embedder, logger: createLogger('error'), onProgress: progress, workers, ...cache });
  const seconds = (performance.now() - started) / 1000;
  console.log(header(report, seconds));
  for (const g of report.groups) console.log(`\n${renderGroup(g, { curves: values.curves || g.group === 'all' })}`);
  console.log(`\nsummary (cost@parity = router cost to match the best single model, as a share of its cost)\n${renderSummary(report.groups)}`);
  if (values.json !== undefined) write(values.json, JSON.stringify({ machine: machineLine(), commit: gitCommit(), command: commandLine(), totalSeconds: seconds, cpuSeconds: cpuSeconds(), loadAverage: loadavg(), ...report }, null, 2));
  if (values.plot !== undefined) {
    const title = `${report.dataset} (${report.embedder.split(':')[0]} embedder)`;
    write(values.plot, values.plot.endsWith('.html') ? await renderHtml(title, report.groups) : await renderSvg(title, report.groups));
  }
}

try {
  await main();
} catch (error) {
  // Bad input (file:line: reason) and bad settings are the user's to fix: say what, without a stack.
  if (error instanceof AppError) {
    console.error(`eval: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
