import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, startLexical } from '../../../test/helpers/lexical-deps.js';
import { PROJECT_ROOT, tempDir } from '../../../test/helpers/test-deps.js';
import { CoverageReportSchema } from '../../coverage/report-schema.js';
import { AppError } from '../../shared/errors.js';
import type { Deps } from '../bootstrap.js';
import { parseCoverageArgs, runCoverage } from './coverage.js';

const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/coverage');

let deps: Deps;
let dir: { dir: string; cleanup: () => void };
beforeAll(async () => {
  dir = tempDir();
  deps = await startLexical(fixtureConfig(dir.dir));
});
afterAll(() => {
  deps.close();
  dir.cleanup();
});

async function run(argv: readonly string[]): Promise<{ code: number; out: string; notes: string[] }> {
  let out = '';
  const notes: string[] = [];
  const code = await runCoverage(deps, parseCoverageArgs(argv), { write: (t) => (out += t), note: (l) => notes.push(l), now: () => new Date() });
  return { code, out, notes };
}

describe('npm run coverage', () => {
  it('routes an --input file and reports on its decisions, with the text in hand though the store keeps only hashes', async () => {
    const { code, out, notes } = await run(['--input', path.join(FIXTURES, 'prompts.jsonl'), '--format', 'json']);
    expect(code).toBe(0);
    expect(notes.join('\n')).toContain('routed 21 prompts');
    const report = CoverageReportSchema.parse(JSON.parse(out));
    expect(report.totals.decisions).toBe(21);
    expect(report.candidates.length).toBeGreaterThan(0);
    expect(report.candidates.flatMap((c) => c.representatives).every((r) => r.text !== null)).toBe(true);
    // Stored like served traffic: (log.includePrompts off) no clear text; redacted text for uncovered prompts only.
    const stored = deps.decisions.list({});
    expect(stored.length).toBeGreaterThanOrEqual(21);
    expect(stored.every((d) => d.promptText === null && d.vector !== null)).toBe(true);
    expect(stored.every((d) => (d.keptText !== null) === !d.covered)).toBe(true);
  });

  it('prints a table by default, and writes md and html to --out', async () => {
    const table = await run(['--since', '1d']);
    expect(table.out).toMatch(/^Coverage report/);
    expect(table.out).toContain('Known intents');
    for (const format of ['md', 'html'] as const) {
      const file = path.join(dir.dir, `report.${format}`);
      const r = await run(['--format', format, '--out', file]);
      expect(r.out).toBe('');
      expect(r.notes.at(-1)).toContain(file);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(format === 'md' ? '# Coverage report' : '<svg');
    }
  });

  it('reports every bad input line as file:line and routes nothing', async () => {
    const before = deps.decisions.list({}).length;
    const bad = path.join(FIXTURES, 'bad-prompts.jsonl');
    const { code, notes } = await run(['--input', bad]);
    expect(code).toBe(1);
    expect(notes.filter((n) => n.startsWith(`${bad}:`)).map((n) => n.split(':')[1])).toEqual(['2', '3', '4']);
    expect(deps.decisions.list({}).length).toBe(before);
  });

  it('rejects unknown flags and bad values before doing any work', () => {
    expect(() => parseCoverageArgs(['--format', 'xml'])).toThrow(AppError);
    expect(() => parseCoverageArgs(['--min-cluster', '1'])).toThrow(/--min-cluster/);
    expect(() => parseCoverageArgs(['--since', 'last tuesday'])).toThrow(/--since/);
    expect(() => parseCoverageArgs(['--colour'])).toThrow(/--help/);
    expect(parseCoverageArgs(['-h']).help).toBe(true);
  });
});
