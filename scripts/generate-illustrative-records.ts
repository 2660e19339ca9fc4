/**
 * Rewrites the `records` field of every line of every reference set (reference-prompts/*.jsonl) with
 * ILLUSTRATIVE win records drawn from the stated capability profile in scripts/illustrative-profile.ts.
 *
 * For each line and each catalog model it draws a number of pairwise comparisons (4–12) and then the
 * outcome of each one (win / tie / loss) with the profile's probabilities for the line's intent. The
 * pseudo-random numbers are seeded by a hash of the prompt text, so a line's records do not change
 * when other lines are added, removed or reordered, and a second run changes nothing. Prompt, intent
 * and line order are preserved; blank lines are dropped.
 *
 * Usage: node --import tsx scripts/generate-illustrative-records.ts [--dir reference-prompts] [--check]
 *        (or npm run generate-records [-- --dir <folder>])
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ReferenceLineSchema } from '../src/seeding/reference-file.js';
import { seededRandom } from '../src/shared/random.js';
import { COMPARISONS, type IntentId, INTENTS, isIntentId, MODELS, type ModelId, type Outcome, PROFILE, profileProblems } from './illustrative-profile.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const HELP = `Usage: node --import tsx scripts/generate-illustrative-records.ts [options]

Rewrites the "records" of every line in <dir>/*.jsonl with illustrative win/loss/tie counts drawn
from the capability profile in scripts/illustrative-profile.ts, seeded by each prompt's text
(deterministic: a second run changes nothing).

Options:
  --dir <folder>  reference set folder (default: reference-prompts)
  --check         write nothing; exit 1 if any file is not what the generator would write
  -h, --help      show this help`;

interface Counts {
  wins: number;
  losses: number;
  ties: number;
}

interface Line {
  readonly prompt: string;
  readonly intent: IntentId;
}

interface GeneratedLine extends Line {
  readonly records: ReadonlyMap<ModelId, Counts>;
}

/** 32-bit FNV-1a over the UTF-8 bytes of the text. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

function draw(outcome: Outcome, rand: () => number): keyof Counts {
  const [win, tie] = outcome;
  const u = rand();
  return u < win ? 'wins' : u < win + tie ? 'ties' : 'losses';
}

/** One line's records, in catalog order: for each model, 4–12 comparisons drawn from the intent's profile. */
function recordsFor(line: Line): Map<ModelId, Counts> {
  const rand = seededRandom(fnv1a(line.prompt));
  const profile = PROFILE[line.intent];
  const out = new Map<ModelId, Counts>();
  for (const model of MODELS) {
    const n = COMPARISONS.min + Math.floor(rand() * (COMPARISONS.max - COMPARISONS.min + 1));
    const counts: Counts = { wins: 0, losses: 0, ties: 0 };
    for (let i = 0; i < n; i++) counts[draw(profile[model], rand)] += 1;
    out.set(model, counts);
  }
  return out;
}

function parseLine(raw: string, where: string): Line {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = ReferenceLineSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ')}`);
  const { prompt, intent } = parsed.data;
  if (intent === null || !isIntentId(intent)) throw new Error(`${where}: intent '${String(intent)}' has no profile (add it to scripts/illustrative-profile.ts)`);
  return { prompt, intent };
}

interface FileResult {
  readonly file: string;
  readonly lines: readonly GeneratedLine[];
  readonly changed: boolean;
}

interface Planned extends FileResult {
  readonly after: string;
}

/** Parses and regenerates one file in memory; throws on the first bad line, writing nothing. */
function plan(file: string): Planned {
  const before = readFileSync(file, 'utf8');
  const lines = before
    .split(/\r?\n/)
    .map((raw, i) => ({ raw, where: `${file}:${i + 1}` }))
    .filter(({ raw }) => raw.trim() !== '')
    .map(({ raw, where }): GeneratedLine => {
      const line = parseLine(raw, where);
      return { ...line, records: recordsFor(line) };
    });
  const after = lines.map((l) => JSON.stringify({ prompt: l.prompt, intent: l.intent, records: Object.fromEntries(l.records) }) + '\n').join('');
  return { file, lines, changed: after !== before, after };
}

const LABELS: Readonly<Record<ModelId, string>> = {
  'gpt-5': 'gpt-5',
  'claude-sonnet-4-5': 'sonnet-4',
  'claude-haiku-4-5': 'haiku-3.5',
  'deepseek-chat': 'deepseek',
  'gpt-5-mini': '4o-mini',
  'llama-3.1-8b-instant': 'llama-8b',
};

function summarise(results: readonly FileResult[], check: boolean): void {
  for (const r of results) console.log(`${r.file}: ${r.lines.length} lines, ${r.changed ? (check ? 'WOULD CHANGE' : 'rewritten') : 'unchanged'}`);
  const all = results.flatMap((r) => r.lines);
  console.log(`\n${all.length} prompts in ${results.length} files; models: ${MODELS.join(', ')}`);

  // Per intent: prompt count and each model's success rate (wins + ties/2 over comparisons) in the records written.
  const short = MODELS.map((m) => LABELS[m].padStart(10));
  console.log(`\n${'intent'.padEnd(18)} ${'prompts'.padStart(7)} ${short.join(' ')}`);
  const intents = INTENTS.filter((intent) => all.some((l) => l.intent === intent));
  for (const intent of intents) {
    const lines = all.filter((l) => l.intent === intent);
    const rates = MODELS.map((model) => {
      let score = 0;
      let trials = 0;
      for (const line of lines) {
        const c = line.records.get(model);
        if (!c) continue;
        score += c.wins + c.ties / 2;
        trials += c.wins + c.losses + c.ties;
      }
      return (trials === 0 ? '-' : (score / trials).toFixed(2)).padStart(10);
    });
    console.log(`${intent.padEnd(18)} ${String(lines.length).padStart(7)} ${rates.join(' ')}`);
  }
  console.log('\n(success rate = (wins + ties/2) / comparisons; ILLUSTRATIVE, drawn from scripts/illustrative-profile.ts)');
}

function main(): void {
  const { values } = parseScriptArgs({
    options: {
      dir: { type: 'string', default: 'reference-prompts' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const problems = profileProblems();
  if (problems.length > 0) throw new Error(`the capability profile is inconsistent:\n  ${problems.join('\n  ')}`);
  const files = readdirSync(values.dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(values.dir, f));
  if (files.length === 0) throw new Error(`no .jsonl files in ${values.dir}`);
  // Every file is validated before any is written, so a bad line leaves all files untouched.
  const results = files.map(plan);
  if (!values.check) for (const r of results) if (r.changed) writeFileSync(r.file, r.after);
  summarise(results, values.check);
  if (values.check && results.some((r) => r.changed)) process.exitCode = 1;
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
