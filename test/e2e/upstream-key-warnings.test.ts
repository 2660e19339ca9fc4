import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, type CliProcess } from '../helpers/cli-process.js';
import { runCli } from '../helpers/live-service.js';
import { BIG_SMALL_CATALOG } from '../helpers/lexical-deps.js';
import { PROJECT_ROOT, tempDir } from '../helpers/test-deps.js';

// The real CLI: only `serve` proxies, so only it warns about upstream keys that are not set.

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function setup(): Record<string, string> {
  const t = tempDir('semroute-keys-');
  cleanups.push(t.cleanup);
  const configFile = path.join(t.dir, 'router.json');
  const catalog = BIG_SMALL_CATALOG.map((m) => ({ ...m, upstream: { baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: m.id === 'big' ? 'BIG_KEY' : 'SMALL_KEY' } }));
  writeFileSync(configFile, JSON.stringify({ referenceDir: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets'), catalog, routing: { defaultModel: 'big' } }));
  return { ROUTER_CONFIG: configFile, ROUTER_DATA_DIR: path.join(t.dir, 'data'), ROUTER_EMBEDDING__BACKEND: 'lexical', ROUTER_LOG__LEVEL: 'info', SMALL_KEY: 'sk-set' };
}

describe('upstream key warnings', () => {
  it('serve warns once per model whose apiKeyEnv is unset, naming the model and the variable', async () => {
    const proc: CliProcess = spawnCli(['serve'], { ...setup(), PORT: '0' });
    cleanups.push(() => proc.child.kill('SIGKILL'));
    await proc.waitFor(/"url":"http:/);
    const warnings = (proc.stdout() + proc.stderr()).split('\n').filter((l) => l.includes('"variable"'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '')).toMatchObject({ model: 'big', variable: 'BIG_KEY', msg: 'upstream key for big is unset: set BIG_KEY, or its calls go out without a key' });
  }, 120_000);

  it.each([['seed'], ['coverage']])('%s, which calls no upstream, does not warn about them', async (command) => {
    const res = await runCli([command], setup());
    expect(res.code).toBe(0);
    expect(res.output).not.toContain('upstream key');
  }, 120_000);
});
