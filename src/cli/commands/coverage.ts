import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { buildCoverageReport, type CoverageReportDeps } from '../../coverage/build-report.js';
import { parsePromptFile } from '../../coverage/prompt-file.js';
import { REPORT_FORMATS, renderReport } from '../../coverage/render/render.js';
import { resolveSince, SinceSchema } from '../../coverage/window.js';
import { fingerprintKey } from '../../embedding/embedder.js';
import { CachingEmbedder } from '../../eval/caching-embedder.js';
import { promptHash } from '../../routing/router.js';
import { parseOptions } from '../../shared/command-line.js';
import { AppError } from '../../shared/errors.js';
import { buildRouter, type Deps } from '../bootstrap.js';

export const COVERAGE_HELP = `Usage: npm run coverage -- [options]

Reports where the reference set does not cover the traffic: uncovered prompts grouped into
candidate intents (clusters of similar prompts, no k to choose), per known intent the traffic,
covered rate and the evidence per model (sparse cells and one-sided intents flagged), and the
covered rate per day or week.

Options:
  --since <when>       start of the window: 2025-01-31, an ISO date-time, or 12h / 7d / 4w back (default 30d)
  --min-cluster <n>    smallest group reported as a candidate intent (default 3)
  --cutoff <sim>       average-linkage cosine cut-off for clustering (default: fitted to the known intents)
  --sparse-trials <n>  flag a model in an intent with fewer similarity-weighted trials per request (default 4)
  --format <f>         table (default) | md | json | html (self-contained page with charts)
  --out <file>         write the report to a file instead of stdout
  --input <file>       route a JSONL file of prompts ({"prompt": "..."} a line) through the router
                       first and report on those decisions only: "what of my logs would be uncovered?"
                       Their decisions are stored like served traffic; their text is used for the
                       report but stored only if log.includePrompts is on.
  -h, --help           show this help

Examples:
  npm run coverage                                   # last 30 days, as a table
  npm run coverage -- --since 7d --format md         # last week, as Markdown
  npm run coverage -- --input logs.jsonl --format html --out coverage.html
`;

const ArgsSchema = z.object({
  since: SinceSchema.optional(),
  'min-cluster': z.coerce.number().int().min(2).max(10_000).optional(),
  cutoff: z.coerce.number().min(-1).max(1).optional(),
  'sparse-trials': z.coerce.number().min(0).max(1_000_000).optional(),
  format: z.enum(REPORT_FORMATS).default('table'),
  out: z.string().min(1).optional(),
  input: z.string().min(1).optional(),
  help: z.boolean().default(false),
});
export type CoverageArgs = z.infer<typeof ArgsSchema>;

/** Parses and validates the flags; a bad value is an AppError naming the flag. */
export function parseCoverageArgs(argv: readonly string[]): CoverageArgs {
  const parsed = ArgsSchema.safeParse(readFlags(argv));
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: `--${i.path.map(String).join('.')}`, message: i.message }));
  throw new AppError('VALIDATION_FAILED', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
}

function readFlags(argv: readonly string[]): Record<string, string | boolean | undefined> {
  const { values } = parseOptions(argv, {
    since: { type: 'string' },
    'min-cluster': { type: 'string' },
    cutoff: { type: 'string' },
    'sparse-trials': { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    input: { type: 'string' },
  });
  return values;
}

export interface CoverageIo {
  /** The report itself (stdout). */
  readonly write: (text: string) => void;
  /** Progress and notes (stderr). */
  readonly note: (line: string) => void;
  readonly now: () => Date;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Runs the coverage command; returns the exit code. */
export async function runCoverage(deps: Deps, args: CoverageArgs, io: CoverageIo): Promise<number> {
  const started = io.now();
  let scope: { decisionIds: ReadonlySet<string>; texts: ReadonlyMap<string, string> } | undefined;
  if (args.input !== undefined) {
    const parsed = parsePromptFile(readFileSync(args.input, 'utf8'));
    if (!parsed.ok) {
      for (const e of parsed.errors) io.note(`${args.input}:${e.line}: ${e.reason}`);
      io.note(`not routed: fix the ${parsed.errors.length} line(s) above`);
      return 1;
    }
    scope = await routePrompts(deps, parsed.prompts, io);
    io.note(`routed ${parsed.prompts.length} prompts from ${args.input}`);
  }
  deps.queue.flush();
  const report = buildCoverageReport(reportDeps(deps), {
    // With --input the window is this run: only the file's decisions are reported.
    since: scope ? started.toISOString() : resolveSince(args.since, started),
    until: io.now().toISOString(),
    map: args.format === 'html',
    ...(args['min-cluster'] !== undefined ? { minCluster: args['min-cluster'] } : {}),
    ...(args.cutoff !== undefined ? { clusterCutoff: args.cutoff } : {}),
    ...(args['sparse-trials'] !== undefined ? { sparseTrials: args['sparse-trials'] } : {}),
    ...(scope ?? {}),
  });
  const text = await renderReport(report, args.format);
  if (args.out === undefined) io.write(text);
  else {
    writeFileSync(args.out, text);
    io.note(`wrote the ${args.format} report to ${args.out}`);
  }
  return 0;
}

export function reportDeps(deps: Deps): CoverageReportDeps {
  return {
    decisions: deps.decisions,
    references: deps.references,
    coverageThreshold: deps.router.coverageThreshold,
    similarityPower: deps.router.similarityPower,
    embedder: fingerprintKey(deps.embedder.fingerprint),
    models: deps.config.catalog.map((m) => m.id),
  };
}

/**
 * Routes each prompt through the real router, so its decision is stored as served traffic would be.
 * The prompts are embedded up front in batches (the router embeds one prompt at a time).
 */
async function routePrompts(deps: Deps, prompts: readonly string[], io: CoverageIo): Promise<{ decisionIds: Set<string>; texts: Map<string, string> }> {
  const embedder = new CachingEmbedder(deps.embedder, { batchSize: 64, ...(io.onProgress ? { onProgress: io.onProgress } : {}) });
  await embedder.embed(prompts);
  const router = buildRouter({ ...deps, embedder });
  const decisionIds = new Set<string>();
  const texts = new Map<string, string>();
  for (const prompt of prompts) {
    const result = await router.route({ prompt, constraints: {} });
    if (result.decision.kind === 'routed') decisionIds.add(result.decisionId);
    texts.set(promptHash(prompt), prompt);
  }
  return { decisionIds, texts };
}
