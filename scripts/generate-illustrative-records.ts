/**
 * Rewrites the `records` of every line in reference-prompts/*.jsonl from the stated capability
 * profile (scripts/illustrative-profile.ts). Deterministic: each prompt's draws are seeded by a hash
 * of its text, so records do not change when other lines do, and a second run changes nothing.
 * Usage: npm run generate-records [-- --dir reference-prompts]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ReferenceLineSchema } from '../src/seeding/reference-file.js';
import { seededRandom } from '../src/shared/random.js';
import type { WinRecord } from '../src/store/types.js';
import { MAX_COMPARISONS, MIN_COMPARISONS, MODELS, PROFILE } from './illustrative-profile.js';

const { values } = parseArgs({ options: { dir: { type: 'string', default: 'reference-prompts' }, help: { type: 'boolean', short: 'h', default: false } } });
if (values.help) {
  console.log('Usage: npm run generate-records [-- --dir <folder>]\nRewrites the illustrative records of every reference set from scripts/illustrative-profile.ts.');
  process.exit(0);
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function recordsFor(prompt: string, intent: string): Record<string, WinRecord> {
  const profile = PROFILE[intent];
  if (!profile) throw new Error(`no profile for intent '${intent}' (add it to scripts/illustrative-profile.ts)`);
  const rand = seededRandom(hash(`${intent}\u0000${prompt}`));
  const out: Record<string, WinRecord> = {};
  MODELS.forEach((model, i) => {
    const n = MIN_COMPARISONS + Math.floor(rand() * (MAX_COMPARISONS - MIN_COMPARISONS + 1));
    const record = { wins: 0, losses: 0, ties: 0 };
    for (let c = 0; c < n; c++) {
      if (rand() < profile.tie) record.ties += 1;
      else if (rand() < (profile.win[i] ?? 0.5)) record.wins += 1;
      else record.losses += 1;
    }
    out[model] = record;
  });
  return out;
}

const counts = new Map<string, number>();
for (const file of readdirSync(values.dir).filter((f) => f.endsWith('.jsonl')).sort()) {
  const full = path.join(values.dir, file);
  const lines = readFileSync(full, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const rewritten = lines.map((line, i) => {
    const parsed = ReferenceLineSchema.safeParse(JSON.parse(line));
    if (!parsed.success || parsed.data.intent === null) throw new Error(`${full}:${i + 1}: not a valid reference line with an intent`);
    counts.set(parsed.data.intent, (counts.get(parsed.data.intent) ?? 0) + 1);
    return JSON.stringify({ prompt: parsed.data.prompt, intent: parsed.data.intent, records: recordsFor(parsed.data.prompt, parsed.data.intent) });
  });
  writeFileSync(full, rewritten.join('\n') + '\n');
  console.log(`${full}: ${lines.length} prompts`);
}
console.log(`intents: ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`models: ${MODELS.join(', ')}`);
