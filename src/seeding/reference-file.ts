import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { issueSentence } from '../shared/issue-messages.js';
import { contentHash } from '../store/content-hash.js';
import type { ReferenceInput } from '../store/types.js';

const count = z.number().finite().nonnegative();
/** A lone UTF-16 surrogate cannot be stored as UTF-8: SQLite would keep U+FFFD instead of the text. */
const wellFormed = (text: string) => !/\p{Cs}/u.test(text);
const WELL_FORMED = 'must be well-formed Unicode (no lone surrogate)';

/** One record per model: pairwise outcomes of that model's answer to the prompt; a tie counts half. */
export const WinRecordSchema = z
  .strictObject({
    wins: count.default(0).meta({ description: 'Comparisons this model won on the prompt.', example: 7 }),
    losses: count.default(0).meta({ description: 'Comparisons it lost.', example: 2 }),
    ties: count.default(0).meta({ description: 'Comparisons that ended in a tie (count half).', example: 1 }),
  })
  .meta({ description: 'Win/loss/tie record of one model on one reference prompt.' });

/** One line of a reference set file (JSONL). Unknown keys are errors, so a typo cannot drop data. */
export const ReferenceLineSchema = z.strictObject({
  prompt: z.string().trim().min(1, 'prompt must not be empty').max(32_000).refine(wellFormed, WELL_FORMED),
  intent: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\p{N}_.:-]+$/u, 'intent must be one word (letters, digits, _ . : -)')
    .nullable()
    .default(null),
  records: z.record(z.string().min(1).max(200).refine(wellFormed, WELL_FORMED), WinRecordSchema).default({}),
  /** What a database learned on top of `records` (an export, format 2): imported apart from the seed. */
  learned: z.record(z.string().min(1).max(200).refine(wellFormed, WELL_FORMED), WinRecordSchema).optional(),
});
export type ReferenceLine = z.infer<typeof ReferenceLineSchema>;

/** The set file format this build writes and the newest it reads. 1: no header, records only. */
export const SET_FORMAT_VERSION = 2;

/**
 * The first line of an export (format 2 on): which format, and the database it came from. A file
 * without it is format 1, as every hand-written set is.
 */
export const SetHeaderSchema = z.strictObject({
  format: z.literal('semroute-references'),
  version: z.number().int().positive(),
  database: z.string().min(1).max(100).optional(),
  exportedAt: z.string().max(100).optional(),
});
export type SetHeader = z.infer<typeof SetHeaderSchema>;

export interface LineError {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface ReferenceSetFile {
  readonly name: string;
  readonly file: string;
  /** The database an export came from (its header); undefined for a hand-written set. */
  readonly database?: string;
  readonly items: readonly (ReferenceInput & { readonly line: number })[];
  readonly errors: readonly LineError[];
}

export function listSetFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Parses and validates one set; the set's name is the file name without `.jsonl`. Lines end in LF
 * or CRLF, blank lines are skipped, and a byte order mark at the start is allowed. A file with no
 * prompt at all is an error (on line 1): it is more likely cut short than meant to be empty.
 */
export function readSetFile(file: string): ReferenceSetFile {
  const name = path.basename(file, '.jsonl');
  const items: (ReferenceInput & { line: number })[] = [];
  const errors: LineError[] = [];
  const firstLineOf = new Map<string, number>();
  let header: SetHeader | undefined;
  let atFirstLine = true;
  splitLines(readFileSync(file)).forEach((bytes, i) => {
    const line = i + 1;
    const raw = decodeUtf8(bytes);
    if (raw === undefined) return void errors.push({ file, line, reason: 'not valid UTF-8' });
    if (raw.trim() === '') return;
    const firstLine = atFirstLine;
    atFirstLine = false;
    if (firstLine && isHeader(raw)) {
      const parsed = parseHeader(raw);
      if (!parsed.ok) return void errors.push({ file, line, reason: parsed.reason });
      header = parsed.value;
      return;
    }
    const parsed = parseLine(raw);
    if (!parsed.ok) return void errors.push({ file, line, reason: parsed.reason });
    const hash = contentHash(parsed.value.prompt);
    const first = firstLineOf.get(hash);
    if (first !== undefined) return void errors.push({ file, line, reason: `duplicate of the prompt on line ${first}` });
    firstLineOf.set(hash, line);
    const { prompt, intent, records, learned } = parsed.value;
    items.push({ line, text: prompt, intent, contentHash: hash, records, ...(learned ? { learned } : {}) });
  });
  if (items.length === 0 && errors.length === 0) errors.push({ file, line: 1, reason: 'no reference prompts in the file (it is empty)' });
  return { name, file, items, errors, ...(header?.database !== undefined ? { database: header.database } : {}) };
}

/** A first line naming a `format` is a header, never a prompt (a prompt line has no such key). */
function isHeader(raw: string): boolean {
  try {
    const json: unknown = JSON.parse(raw);
    return typeof json === 'object' && json !== null && 'format' in json;
  } catch {
    return false;
  }
}

function parseHeader(raw: string): { ok: true; value: SetHeader } | { ok: false; reason: string } {
  const result = SetHeaderSchema.safeParse(JSON.parse(raw), { error: issueSentence });
  if (!result.success) return { ok: false, reason: `header: ${result.error.issues.map((i) => `${i.path.map(String).join('.') || '(line)'}: ${i.message}`).join('; ')}` };
  if (result.data.version > SET_FORMAT_VERSION) {
    return { ok: false, reason: `header: format version ${result.data.version} is newer than this build reads (up to ${SET_FORMAT_VERSION}); upgrade semroute to load it` };
  }
  return { ok: true, value: result.data };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Invalid bytes are an error on their line, not U+FFFD silently stored as part of a prompt. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The file's lines as bytes: split at LF, a CR before it dropped, a UTF-8 byte order mark at the start skipped. */
function splitLines(bytes: Buffer): Buffer[] {
  const body = bytes.subarray(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  const lines: Buffer[] = [];
  for (let start = 0; start <= body.length; ) {
    const lf = body.indexOf(0x0a, start);
    const end = lf === -1 ? body.length : lf;
    lines.push(body.subarray(start, end > start && body[end - 1] === 0x0d ? end - 1 : end));
    start = end + 1;
  }
  return lines;
}

function parseLine(raw: string): { ok: true; value: ReferenceLine } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw, rejectProtoKey);
  } catch (error) {
    if (error instanceof ProtoKeyError) return { ok: false, reason: error.message };
    return { ok: false, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const result = ReferenceLineSchema.safeParse(json, { error: issueSentence });
  if (result.success) return { ok: true, value: result.data };
  const reason = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(line)'}: ${i.message}`).join('; ');
  return { ok: false, reason };
}

class ProtoKeyError extends Error {}

/** zod drops a `__proto__` key without a word: a model record under that name would vanish silently. */
function rejectProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new ProtoKeyError('"__proto__" cannot be a key (it would be dropped)');
  return value;
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
