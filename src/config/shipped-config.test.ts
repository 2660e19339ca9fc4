import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, TEST_CONFIG_FILE, tempDir } from '../../test/helpers/test-deps.js';
import { loadConfig } from './load.js';

/**
 * The root router.config.yaml as committed (HEAD), or why it cannot be read. The working copy is the
 * user's to edit (README's rules and upstreams go there), so its local edits must not fail this test.
 */
function committedRootConfig(): { text: string } | { skip: string } {
  try {
    const text = execFileSync('git', ['show', 'HEAD:router.config.yaml'], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { text };
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { skip: `not a git checkout (or git is missing), so the committed router.config.yaml cannot be read: ${why}` };
  }
}

const { dir, cleanup } = tempDir('semroute-shipped-');
afterAll(cleanup);

describe('the shipped router.config.yaml (as committed, not the working copy)', () => {
  it('parses, and the test copy every other test loads is byte-identical to it', (ctx) => {
    const committed = committedRootConfig();
    if ('skip' in committed) return ctx.skip(committed.skip);
    const file = path.join(dir, 'router.config.yaml');
    writeFileSync(file, committed.text);
    expect(loadConfig({ env: {}, file }).catalog.length).toBeGreaterThanOrEqual(4);
    // Tests assume the shipped defaults; a change to them must reach the copy in the same commit.
    expect(
      readFileSync(TEST_CONFIG_FILE, 'utf8') === committed.text,
      'test/fixtures/router.config.yaml differs from the committed router.config.yaml: run `git show HEAD:router.config.yaml > test/fixtures/router.config.yaml` and commit both',
    ).toBe(true);
  });
});
