import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, startLexical } from '../../test/helpers/lexical-deps.js';
import { tempDir } from '../../test/helpers/test-deps.js';
import type { Deps } from '../cli/bootstrap.js';
import { seedReferenceSets } from './seed.js';

const HOSTILE_RUNS = 300;
const VALID_RUNS = 150;
let hostileDeps: Deps;
let validDeps: Deps;
let dir: string;
let cleanup: () => void;
let tried = 0;
let fileNo = 0;
const kindsTried = new Map<string, number>();

beforeAll(async () => {
  const t = tempDir('semroute-hostile-seed-');
  ({ dir, cleanup } = t);
  // Both start with the fixture sets (10 prompts) seeded.
  hostileDeps = await startLexical(fixtureConfig(path.join(dir, 'hostile')));
  validDeps = await startLexical(fixtureConfig(path.join(dir, 'valid')));
});
afterAll(() => {
  hostileDeps.close();
  validDeps.close();
  cleanup();
  const hostileLines = [...kindsTried.values()].reduce((a, b) => a + b, 0);
  console.log(`hostile seed files: ${tried} files tried, ${hostileLines} hostile lines of ${kindsTried.size} kinds among them`);
});

/** Everything seeding may touch, in a comparable form. */
function snapshot(deps: Deps): string {
  const all = (sql: string) => deps.db.prepare(sql).all();
  return JSON.stringify([
    all('SELECT * FROM reference_sets ORDER BY id'),
    all('SELECT id, set_id, text, intent, content_hash, origin, hex(vector) AS v FROM reference_prompts ORDER BY id'),
    all('SELECT * FROM seed_records ORDER BY reference_id, model'),
    all('SELECT * FROM records ORDER BY reference_id, model'),
    all('SELECT * FROM meta ORDER BY key'),
  ]);
}

const count = fc.oneof(fc.nat({ max: 50 }), fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }));
const record = fc.record({ wins: count, losses: count, ties: count }, { requiredKeys: [] });
const modelName = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), fc.constantFrom('gpt-5', 'constructor', 'toString', 'hasOwnProperty', 'a.b', ' spaced '));
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom('\u0000\u0001\u001f', '\u202eRTL override', 'e\u0301 combining', '😀👍🏽', '\ufeffBOM inside', 'tab\there', "'; DROP TABLE records; --"),
);
const intent = fc.constantFrom('code', 'résumé', '日本語', 'a.b:c-d_e', 'Ωmega9', null);
/** A valid line; the index keeps prompts unique (no accidental duplicates). */
const validLine = fc.record({ text, intent, records: fc.dictionary(modelName, record, { maxKeys: 4 }), omitIntent: fc.boolean() });
type Valid = { text: string; intent: string | null; records: Record<string, object>; omitIntent: boolean };
const lineJson = (v: Valid, n: number) => JSON.stringify({ prompt: `${n}: ${v.text}`, ...(v.omitIntent ? {} : { intent: v.intent }), records: v.records });

const PROMPT_START = '{"prompt":"';

/** Hostile lines: each kind breaks one rule of the format, so the line must be reported. */
const HOSTILE_KINDS = [
  'truncated', 'not-an-object', 'wrong-type', 'missing-prompt', 'unknown-key', 'huge-prompt', 'huge-model', 'raw-control-char',
  'negative-count', 'infinite-count', 'nan-literal', 'blank-prompt', 'bad-intent', 'invalid-utf8', 'lone-surrogate', 'duplicate', 'proto-model',
] as const;
type HostileKind = (typeof HOSTILE_KINDS)[number];

function hostileLine(kind: HostileKind, v: Valid, n: number, earlier: string | undefined, cut: number): Buffer {
  const good = JSON.parse(lineJson(v, n)) as Record<string, unknown>;
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  switch (kind) {
    case 'truncated': {
      const full = lineJson(v, n);
      return Buffer.from(full.slice(0, 1 + (cut % (full.length - 1))));
    }
    case 'not-an-object': return json([[good], 'x', 42, null, true][cut % 5]);
    case 'wrong-type': return json([{ ...good, prompt: 42 }, { ...good, intent: 7 }, { ...good, records: [] }, { ...good, records: { m: { wins: '3' } } }, { ...good, records: { m: 5 } }][cut % 5]);
    case 'missing-prompt': return json({ intent: good['intent'] ?? null, records: good['records'] });
    case 'unknown-key': return json({ ...good, [['intnet', 'Prompt', '', '__proto__x'][cut % 4] ?? 'x']: 'typo' });
    case 'huge-prompt': return json({ ...good, prompt: 'x'.repeat(32_001 + (cut % 5_000)) });
    case 'huge-model': return json({ ...good, records: { ['m'.repeat(201 + (cut % 100))]: { wins: 1 } } });
    case 'raw-control-char': return Buffer.from(`${PROMPT_START}${String.fromCharCode([0, 1, 8, 9, 11, 12, 27, 31][cut % 8] ?? 0)}${lineJson(v, n).slice(PROMPT_START.length)}`);
    case 'negative-count': return json({ ...good, records: { m: { wins: -1 - (cut % 10) / 10 } } });
    case 'infinite-count': return Buffer.from(lineJson({ ...v, records: {} }, n).replace('"records":{}', '"records":{"m":{"losses":1e999}}'));
    case 'nan-literal': return Buffer.from(lineJson({ ...v, records: {} }, n).replace('"records":{}', '"records":{"m":{"ties":NaN}}'));
    case 'blank-prompt': return json({ ...good, prompt: [' ', '\t\n ', '', '\u3000'][cut % 4] });
    case 'bad-intent': return json({ ...good, intent: ['two words', '', 'semi;colon', 'x'.repeat(101)][cut % 4] });
    case 'invalid-utf8': {
      const bytes = Buffer.from(lineJson(v, n));
      const at = PROMPT_START.length;
      const bad = [Buffer.from([0xff]), Buffer.from([0xe2, 0x82]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80])][cut % 4] ?? Buffer.alloc(0);
      return Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]);
    }
    case 'lone-surrogate': return Buffer.from(`${PROMPT_START}\\u${(0xd800 + (cut % 0x800)).toString(16)}${lineJson(v, n).slice(PROMPT_START.length)}`);
    case 'proto-model': return Buffer.from(lineJson({ ...v, records: {} }, n).replace('"records":{}', '"records":{"__proto__":{"wins":3}}'));
    case 'duplicate': return earlier === undefined ? json({ ...good, prompt: '' }) : json({ ...good, prompt: `  ${earlier}  ` });
  }
}

/** A file of valid and hostile lines; returns its bytes and the line numbers that must be reported. */
const hostileFile = fc
  .record({
    lines: fc.array(fc.record({ hostile: fc.option(fc.constantFrom(...HOSTILE_KINDS), { freq: 3 }), v: validLine, cut: fc.nat(), blankBefore: fc.boolean() }), { minLength: 1, maxLength: 12 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    reset: fc.boolean(),
  })
  .filter((f) => f.lines.some((l) => l.hostile !== null));

describe('hostile reference set files', () => {
  it(`reports every bad line as file:line and leaves the database unchanged (${HOSTILE_RUNS} files)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileFile, async (f) => {
        tried += 1;
        const file = path.join(dir, `hostile-${fileNo++}.jsonl`);
        const out: Buffer[] = [];
        const expected: number[] = [];
        let earlier: string | undefined;
        f.lines.forEach((l, i) => {
          if (l.blankBefore) out.push(Buffer.from(' '));
          if (l.hostile === null) {
            out.push(Buffer.from(lineJson(l.v, i)));
            earlier ??= `${i}: ${l.v.text}`;
          } else {
            out.push(hostileLine(l.hostile, l.v, i, earlier, l.cut));
            kindsTried.set(l.hostile, (kindsTried.get(l.hostile) ?? 0) + 1);
            expected.push(out.length);
          }
        });
        const eol = Buffer.from(f.crlf ? '\r\n' : '\n');
        writeFileSync(file, Buffer.concat([f.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), ...out.flatMap((b) => [b, eol])]));
        const before = snapshot(hostileDeps);
        const summary = await seedReferenceSets(hostileDeps, file, { reset: f.reset });
        expect(summary.errors.map((e) => e.line)).toEqual(expected);
        for (const e of summary.errors) {
          expect(e.file).toBe(file);
          expect(e.reason.length).toBeGreaterThan(5);
        }
        expect(summary.skippedSets).toEqual([path.basename(file, '.jsonl')]);
        expect(snapshot(hostileDeps)).toBe(before);
      }),
      { numRuns: HOSTILE_RUNS, seed: 20261123 },
    );
    expect([...kindsTried.keys()].sort()).toEqual([...HOSTILE_KINDS].sort());
  }, 120_000);

  it('reports an empty file (or one of blank lines, or only a byte order mark) and writes nothing', async () => {
    for (const content of ['', '\n\n', '\r\n  \r\n', '\ufeff', '\ufeff\n']) {
      tried += 1;
      const file = path.join(dir, `empty-${fileNo++}.jsonl`);
      writeFileSync(file, content);
      const before = snapshot(hostileDeps);
      const summary = await seedReferenceSets(hostileDeps, file);
      expect(summary.errors).toEqual([{ file, line: 1, reason: expect.stringContaining('no reference prompts') }]);
      expect(snapshot(hostileDeps)).toBe(before);
    }
  });

  it(`writes any file of valid lines (any Unicode, BOM, CRLF, blank lines) exactly as given (${VALID_RUNS} files)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validLine, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), async (lines, crlf, bom) => {
        tried += 1;
        const file = path.join(dir, `valid-${fileNo++}.jsonl`);
        const tag = `f${fileNo}`;
        const body = lines.map((v, i) => lineJson(v, i).replace('{"prompt":"', `{"prompt":"${tag}.`)).join(crlf ? '\r\n\r\n' : '\n');
        writeFileSync(file, `${bom ? '\ufeff' : ''}${body}\n`);
        const summary = await seedReferenceSets(validDeps, file);
        expect(summary.errors).toEqual([]);
        expect(summary.inserted).toBe(lines.length);
        const stored = validDeps.db
          .prepare<[string], { id: number; text: string; intent: string | null }>(
            'SELECT p.id, p.text, p.intent FROM reference_prompts p JOIN reference_sets s ON s.id = p.set_id WHERE s.name = ? ORDER BY p.id',
          )
          .all(path.basename(file, '.jsonl'));
        const records = validDeps.references.records(stored.map((s) => s.id));
        expect(stored.map((s) => ({ text: s.text, intent: s.intent, records: Object.fromEntries(records.get(s.id) ?? []) }))).toEqual(
          lines.map((v, i) => ({
            text: `${tag}.${i}: ${v.text}`.trim(),
            intent: v.omitIntent ? null : v.intent,
            // Through JSON, as the file has it (-0 is written as 0).
            records: JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(v.records).map(([m, r]) => [m, { wins: 0, losses: 0, ties: 0, ...r }])))) as unknown,
          })),
        );
      }),
      { numRuns: VALID_RUNS, seed: 20261124 },
    );
  }, 120_000);
});
