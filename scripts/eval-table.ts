/**
 * Renders README's eval table (Markdown) from `npm run eval -- … --json` files, before and after.
 * Usage: npm run eval:table -- --pair <before.json>:<after.json>[:<groups>] [--pair …]
 * Every figure comes from the JSON files; run facts (commit, command, time, load) from the JSON or,
 * for runs of older builds that did not record them, from a `<file>.run.json` sidecar.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseScriptOptions } from '../src/shared/command-line.js';

const HELP = `npm run eval:table -- --pair <before.json>:<after.json>[:<groups>] [--pair …]
  --pair   two eval JSON files of the same dataset (before and after), and the groups to show, comma
           separated (default: all). A run's commit, command, time and load are read from the JSON or
           from <file>.run.json ({commit, command, wallSeconds, cpuSeconds?, load}).
  --target the operator target whose held-out result is shown (default qualityShare 0.95)`;

/** The parts of an eval JSON the table reads (older builds lack noHarmMargin and targets). */
const PolicySchema = z.object({
  policy: z.string(),
  uncoveredShare: z.number(),
  curve: z.array(z.object({ quality: z.number() })),
  costAtParity: z.number().nullable(),
  qualityAtHalfCost: z.number().nullable(),
  aiq: z.number().nullable(),
  noHarmMargin: z.number().nullable().optional(),
});
const TargetSchema = z.object({
  target: z.object({ qualityShare: z.number() }).or(z.object({ costShare: z.number() })),
  qualityShare: z.number(),
  costShare: z.number(),
  expectedQualityShare: z.number(),
  expectedCostShare: z.number(),
});
const GroupSchema = z.object({
  group: z.string(),
  rows: z.number(),
  bestSingle: z.object({ model: z.string(), quality: z.number(), cost: z.number() }),
  zeroRouterAiq: z.number().nullable(),
  policies: z.array(PolicySchema),
  targets: z.array(TargetSchema).optional(),
});
const RunFacts = z.object({ commit: z.string().nullable(), command: z.string(), wallSeconds: z.number(), cpuSeconds: z.number().nullable(), load: z.string() });
const ReportSchema = z.object({
  dataset: z.string(),
  embedder: z.string(),
  evaluation: z.string(),
  groups: z.array(GroupSchema),
  commit: z.string().nullable().optional(),
  command: z.string().optional(),
  totalSeconds: z.number(),
  cpuSeconds: z.number().optional(),
  loadAverage: z.array(z.number()).optional(),
});
type Report = z.infer<typeof ReportSchema>;
type Group = z.infer<typeof GroupSchema>;
type Policy = z.infer<typeof PolicySchema>;
type Run = { readonly report: Report; readonly facts: z.infer<typeof RunFacts> };

/** The router's own policy: the figures README quotes. */
const ROUTER_POLICY = 'knn-winrate';

/** A usage mistake (a missing or unreadable file, a bad --pair): one line on stderr, exit code 2, like every command. */
function usageError(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

const MISSING_HINT =
  'write it with `npm run eval -- … --json <file>`; the before/ files in README come from the same commands run in a checkout of b9bfc05 (README, "Evaluation")';

function readReport(file: string): Report {
  if (!existsSync(file)) usageError(`eval JSON not found: ${file}; ${MISSING_HINT}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    usageError(`${file} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) usageError(`${file} is not an eval JSON (from \`npm run eval -- … --json\`): ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

function readRun(file: string): Run {
  const report = readReport(file);
  const sidecar = `${file}.run.json`;
  if (existsSync(sidecar)) return { report, facts: RunFacts.parse(JSON.parse(readFileSync(sidecar, 'utf8'))) };
  const load = report.loadAverage?.map((l) => l.toFixed(1)).join(' ') ?? 'not recorded';
  const facts = { commit: report.commit ?? null, command: report.command ?? '(not recorded)', wallSeconds: report.totalSeconds, cpuSeconds: report.cpuSeconds ?? null, load };
  return { report, facts };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const q = (x: number) => x.toFixed(3);
/** Signed to three decimals; a value that rounds to zero is shown unsigned. */
const signed = (x: number) => (Math.abs(x) < 0.0005 ? '0.000' : `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`);

function routerPolicy(g: Group): Policy {
  const p = g.policies.find((x) => x.policy === ROUTER_POLICY);
  if (!p) throw new Error(`group ${g.group} has no ${ROUTER_POLICY} figures`);
  return p;
}

/** AIQ − the zero router's; with equal costs (AIQ undefined), the curve's best quality − the best single model's. */
function margin(g: Group): number {
  const p = routerPolicy(g);
  if (p.noHarmMargin !== undefined && p.noHarmMargin !== null) return p.noHarmMargin;
  if (p.aiq !== null && g.zeroRouterAiq !== null) return p.aiq - g.zeroRouterAiq;
  return Math.max(...p.curve.map((c) => c.quality)) - g.bestSingle.quality;
}

function figures(g: Group): string {
  const p = routerPolicy(g);
  const parts = [`${pct(p.uncoveredShare)} uncovered`];
  if (p.aiq === null) parts.push(`best quality ${q(Math.max(...p.curve.map((c) => c.quality)))}`);
  else {
    parts.push(`AIQ ${q(p.aiq)}`);
    parts.push(`parity ${p.costAtParity === null ? 'never' : `at ${pct(p.costAtParity)}`}`);
    parts.push(`${p.qualityAtHalfCost === null ? 'nothing' : q(p.qualityAtHalfCost)} at 50% cost`);
  }
  return parts.join('; ');
}

function targetCell(g: Group, share: number): string {
  const t = g.targets?.find((x) => 'qualityShare' in x.target && x.target.qualityShare === share);
  if (!t) return '–';
  return `${pct(t.qualityShare)} of its quality at ${pct(t.costShare)} of its cost (expected ${pct(t.expectedQualityShare)} at ${pct(t.expectedCostShare)})`;
}

function groupOf(r: Report, name: string): Group {
  const g = r.groups.find((x) => x.group === name);
  if (!g) usageError(`${r.dataset} has no group ${name} (has ${r.groups.map((x) => x.group).join(', ')})`);
  return g;
}

/** The 'all' row of a multi-group dataset names each group's margin too. */
function marginCell(before: Report, after: Report, name: string): string {
  const head = `${signed(margin(groupOf(before, name)))} → ${signed(margin(groupOf(after, name)))}`;
  const parts = after.groups.filter((g) => g.group !== 'all');
  if (name !== 'all' || parts.length === 0) return head;
  return `${head} (${parts.map((g) => `${g.group} ${signed(margin(g))}`).join(', ')})`;
}

function row(before: Run, after: Run, name: string, share: number): string {
  const a = groupOf(after.report, name);
  const b = groupOf(before.report, name);
  const folds = /^(\d+)-fold/.exec(after.report.evaluation)?.[1];
  const evaluation = folds === undefined ? 'test split' : `${folds}-fold CV`;
  const title = `${after.report.dataset}${name === 'all' ? '' : ` ${name}`} (${a.rows} prompts, ${evaluation}, ${after.report.embedder.split(':')[0]})`;
  const best = `${a.bestSingle.model} ${q(a.bestSingle.quality)}`;
  return `| ${[title, best, figures(b), figures(a), marginCell(before.report, after.report, name), targetCell(a, share)].join(' | ')} |`;
}

function runCell(run: Run): string {
  const { facts } = run;
  const minutes = (s: number) => (s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);
  const cpu = facts.cpuSeconds === null ? '' : ` (CPU ${minutes(facts.cpuSeconds)})`;
  return `${facts.commit ?? '?'}: ${minutes(facts.wallSeconds)}${cpu}, ${loadText(facts.load)}`;
}

/** One-minute load averages: at start → at end (a sidecar has both triples), or at the end only. */
function loadText(load: string): string {
  const n = load.match(/\d+(\.\d+)?/g) ?? [];
  if (n.length >= 6) return `load ${Number(n[0]).toFixed(0)} → ${Number(n[3]).toFixed(0)}`;
  return n.length > 0 ? `load ${Number(n[0]).toFixed(0)} at the end` : 'load not recorded';
}

function main(): void {
  const { values } = parseScriptOptions(process.argv.slice(2), { pair: { type: 'string', multiple: true }, target: { type: 'string', default: '0.95' } }, HELP);
  if (!values.pair?.length) {
    console.error(`error: give at least one --pair\n\n${HELP}`);
    process.exit(2);
  }
  const share = Number(values.target);
  const pairs = values.pair.map((spec) => {
    const [beforeFile = '', afterFile = '', groups = 'all'] = spec.split(':');
    if (beforeFile === '' || afterFile === '') usageError(`--pair '${spec}' needs <before.json>:<after.json>[:<groups>]; see --help`);
    return { before: readRun(beforeFile), after: readRun(afterFile), groups: groups.split(',') };
  });
  console.log(`| dataset, group | best single model | before | after | margin over the zero router, before → after | target qualityShare ${share}, held out |`);
  console.log('|---|---|---|---|---|---|');
  for (const p of pairs) for (const g of p.groups) console.log(row(p.before, p.after, g, share));
  console.log('\n| command | before | after |\n|---|---|---|');
  for (const p of pairs) console.log(`| \`${p.after.facts.command}\` | ${runCell(p.before)} | ${runCell(p.after)} |`);
}

main();
