import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCommand } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/test-deps.js';

describe('eval-table', () => {
  it.each([
    [['--pair', 'before/no-such-run.json:no-such-run.json'], /^error: eval JSON not found: before\/no-such-run\.json; .*checkout of b9bfc05/],
    [['--pair', 'only-one.json'], /^error: --pair 'only-one\.json' needs <before\.json>:<after\.json>/],
    [['--pair', '{dir}/empty.json:{dir}/empty.json'], /^error: .*empty\.json is not an eval JSON/],
  ])('answers %j in one line with exit code 2, no stack trace', async (args, message) => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(path.join(dir, 'empty.json'), '{}');
      const argv = args.map((a) => a.replaceAll('{dir}', dir));
      const proc = spawnCommand(process.execPath, ['--import', 'tsx', 'scripts/eval-table.ts', ...argv], {});
      expect((await proc.exited).code).toBe(2);
      expect(proc.stderr().trimEnd()).toMatch(message);
      expect(proc.stderr().trimEnd().split('\n')).toHaveLength(1);
      expect(proc.stdout()).toBe('');
    } finally {
      cleanup();
    }
  }, 60_000);
});
