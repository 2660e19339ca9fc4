import { parseArgs } from 'node:util';
import { dataPaths, type Deps } from '../bootstrap.js';
import type { SeedSummary } from '../../seeding/seed.js';
import { seedReferenceSets } from '../../seeding/seed.js';

export const SEED_HELP = `Usage: npm run seed -- [options]

Loads every reference set (*.jsonl) in the reference folder into SQLite and the HNSW index.
Prompts are upserted by content hash, so running it twice changes nothing. A file with any bad
line is reported as file:line and not written at all; the exit code is then 1.

Options:
  --dir <folder>   reference set folder (default: referenceDir from config, ./reference-prompts)
  --reset          delete every stored reference prompt and record first (decisions are kept)
  -h, --help       show this help
`;

export interface SeedArgs {
  dir?: string;
  reset: boolean;
  help: boolean;
}

export function parseSeedArgs(argv: readonly string[]): SeedArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: { dir: { type: 'string' }, reset: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  return { ...(values.dir !== undefined ? { dir: values.dir } : {}), reset: values.reset, help: values.help };
}

export async function runSeed(deps: Deps, args: SeedArgs, out: (line: string) => void): Promise<SeedSummary> {
  const dir = args.dir ?? deps.config.referenceDir;
  out(`seeding ${dir} into ${dataPaths(deps.config).db} (embedder ${deps.embedder.fingerprint.backend}:${deps.embedder.fingerprint.modelId})`);
  const summary = await seedReferenceSets(deps, dir, { reset: args.reset });
  for (const e of summary.errors) out(`error ${e.file}:${e.line}: ${e.reason}`);
  if (summary.skippedSets.length > 0) out(`not written (fix the lines above): ${summary.skippedSets.join(', ')}`);
  out(formatSummary(summary));
  return summary;
}

export function formatSummary(s: SeedSummary): string {
  return [
    `sets ${s.sets}  prompts ${s.prompts}  intents ${s.intents}  models ${s.models}`,
    `inserted ${s.inserted}  updated ${s.updated}  unchanged ${s.unchanged}  embedded ${s.embedded}  in ${s.seconds.toFixed(2)} s`,
  ].join('\n');
}
