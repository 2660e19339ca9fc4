import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { contentHash } from '../store/content-hash.js';
import type { ReferenceInput } from '../store/types.js';

const count = z.number().finite().nonnegative();

/** One record per model: pairwise outcomes of that model's answer to the prompt; a tie counts half. */
export const WinRecordSchema = z.strictObject({ wins: count.default(0), losses: count.default(0), ties: count.default(0) });

/** One line of a reference set file (JSONL). Unknown keys are errors, so a typo cannot drop data. */
export const ReferenceLineSchema = z.strictObject({
  prompt: z.string().trim().min(1, 'prompt must not be empty').max(32_000),
  intent: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\p{N}_.:-]+$/u, 'intent must be one word (letters, digits, _ . : -)')
    .nullable()
    .default(null),
  records: z.record(z.string().min(1).max(200), WinRecordSchema).default({}),
});
export type ReferenceLine = z.infer<typeof ReferenceLineSchema>;

export interface LineError {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface ReferenceSetFile {
  readonly name: string;
  readonly file: string;
  readonly items: readonly (ReferenceInput & { readonly line: number })[];
  readonly errors: readonly LineError[];
}

export function listSetFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Parses and validates one set; the set's name is the file name without `.jsonl`. */
export function readSetFile(file: string): ReferenceSetFile {
  const name = path.basename(file, '.jsonl');
  const items: (ReferenceInput & { line: number })[] = [];
  const errors: LineError[] = [];
  const firstLineOf = new Map<string, number>();
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = i + 1;
      if (raw.trim() === '') return;
      const parsed = parseLine(raw);
      if (!parsed.ok) return void errors.push({ file, line, reason: parsed.reason });
      const hash = contentHash(parsed.value.prompt);
      const first = firstLineOf.get(hash);
      if (first !== undefined) return void errors.push({ file, line, reason: `duplicate of the prompt on line ${first}` });
      firstLineOf.set(hash, line);
      items.push({ line, text: parsed.value.prompt, intent: parsed.value.intent, contentHash: hash, records: parsed.value.records });
    });
  return { name, file, items, errors };
}

function parseLine(raw: string): { ok: true; value: ReferenceLine } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const result = ReferenceLineSchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const reason = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(line)'}: ${i.message}`).join('; ');
  return { ok: false, reason };
}

/** A prompt may live in one set only; a second copy in another file is an error on that line. */
export function crossSetDuplicates(sets: readonly ReferenceSetFile[]): LineError[] {
  const seen = new Map<string, string>();
  const errors: LineError[] = [];
  for (const set of sets) {
    for (const item of set.items) {
      const where = seen.get(item.contentHash);
      if (where !== undefined) errors.push({ file: set.file, line: item.line, reason: `same prompt as ${where}` });
      else seen.set(item.contentHash, `${set.file}:${item.line}`);
    }
  }
  return errors;
}
