import { parseOptions } from '../../shared/command-line.js';
import { buildRouter, dataPaths, seedModelCheck, type Deps } from '../bootstrap.js';
import { formatRoutingLine } from '../routing-line.js';
import type { SeedSummary } from '../../seeding/seed.js';
import { exportReferenceSet, reseedFromDatabase, seedReferenceSets } from '../../seeding/seed.js';

export const SEED_HELP = `Usage: npm run seed -- [options]

Loads every reference set (*.jsonl) in the reference folder into SQLite and the HNSW index.
Prompts are upserted by content hash, so running it twice changes nothing. A file with any bad
line is reported as file:line and not written at all; the exit code is then 1. Everything is
written in one transaction, so an interrupted seed leaves the database as it was.

Options:
  --dir <folder>     reference set folder (default: referenceDir from config, ./reference-prompts)
  --file <file>      seed this one set file instead of a folder
  --reset            replace every stored reference prompt and record (decisions and outcomes are kept);
                     nothing is deleted when any file has a bad line; texts that come back unchanged
                     keep their vectors (same content hash and embedder), so only new ones are embedded
  --from-db          rebuild records (seed records + learned outcomes) and the index from SQLite alone,
                     and fit the routing policy again (leave-one-out) even if its records are unchanged
  --export <file>    write every reference in the seed format and exit: its seed records and what
                     it learned since, kept apart, so seeding the file elsewhere keeps learned counts learned
  --strict-models    records for a model that is not in the catalog are errors (the set is not
                     written) instead of warnings; also on with strictModels: true in the config
  -h, --help         show this help

Examples:
  npm run seed                                   # load ./reference-prompts
  npm run seed -- --export learned.jsonl         # review or version what the router has learned
  npm run seed -- --reset --file learned.jsonl   # load it elsewhere, or start over from it
`;

export interface SeedArgs {
  dir?: string;
  file?: string;
  export?: string;
  fromDb: boolean;
  reset: boolean;
  strictModels: boolean;
  help: boolean;
}

export function parseSeedArgs(argv: readonly string[]): SeedArgs {
  const { values } = parseOptions(argv, {
    dir: { type: 'string' },
    file: { type: 'string' },
    export: { type: 'string' },
    'from-db': { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    'strict-models': { type: 'boolean', default: false },
  });
  return {
    ...(values.dir !== undefined ? { dir: values.dir } : {}),
    ...(values.file !== undefined ? { file: values.file } : {}),
    ...(values.export !== undefined ? { export: values.export } : {}),
    fromDb: values['from-db'],
    reset: values.reset,
    strictModels: values['strict-models'],
    help: values.help,
  };
}

/** Runs the seed command; returns the exit code. */
export async function runSeed(deps: Deps, args: SeedArgs, out: (line: string) => void): Promise<number> {
  if (args.export !== undefined) {
    out(`exported ${exportReferenceSet(deps, args.export)} references with their records to ${args.export}`);
    return 0;
  }
  if (args.fromDb) {
    const s = await reseedFromDatabase(deps);
    out(`rebuilt records and the index from ${dataPaths(deps.config).db}: ${s.references} references, ${s.embedded} embedded, in ${s.seconds.toFixed(2)} s`);
    deps.router = buildRouter(deps, { refit: true });
    out(formatRoutingLine(deps.router.describe()));
    return 0;
  }
  const source = args.file ?? args.dir ?? deps.config.referenceDir;
  out(`seeding ${source} into ${dataPaths(deps.config).db} (embedder ${deps.embedder.fingerprint.backend}:${deps.embedder.fingerprint.modelId})`);
  const check = seedModelCheck(deps.config);
  const summary = await seedReferenceSets(deps, source, { reset: args.reset, ...check, strictModels: args.strictModels || check.strictModels });
  for (const w of summary.warnings) out(`warning ${w.file}:${w.line}: ${w.reason} (use --strict-models to make this an error)`);
  for (const e of summary.errors) out(`error ${e.file}:${e.line}: ${e.reason}`);
  if (summary.skippedSets.length > 0) out(`not written (fix the lines above): ${summary.skippedSets.join(', ')}`);
  out(formatSummary(summary));
  // The policy is fitted now when the records changed (cached until they change again), not at the next start.
  deps.router = buildRouter(deps);
  out(formatRoutingLine(deps.router.describe()));
  return summary.errors.length > 0 ? 1 : 0;
}

export function formatSummary(s: SeedSummary): string {
  return [
    `sets ${s.sets}  prompts ${s.prompts}  intents ${s.intents}  models ${s.models}`,
    `inserted ${s.inserted}  updated ${s.updated}  unchanged ${s.unchanged}  embedded ${s.embedded}  in ${s.seconds.toFixed(2)} s`,
  ].join('\n');
}
