import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/live-service.js';
import { tempDir } from '../helpers/test-deps.js';

// The real CLI in its own process: what an operator sees for a typo'd model id.

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function setup() {
  const t = tempDir('semroute-cli-');
  cleanups.push(t.cleanup);
  const file = path.join(t.dir, 'typo.jsonl');
  writeFileSync(file, '{"prompt": "Summarise this lease clause", "records": {"gpt-5": {"wins": 2}, "gpt4o-mini": {"wins": 3}}}\n');
  const env = { ROUTER_DATA_DIR: path.join(t.dir, 'data'), ROUTER_EMBEDDING__BACKEND: 'lexical', ROUTER_LOG__LEVEL: 'silent' };
  return { file, env };
}

describe('the seed CLI and model ids that are not in the catalog', () => {
  it('warns with file:line, and --strict-models makes it an error that writes nothing', async () => {
    const { file, env } = setup();
    const lax = await runCli(['seed', '--file', file], env);
    expect(lax.code).toBe(0);
    expect(lax.output).toContain(`warning ${file}:1: records name 'gpt4o-mini', which is not a model in the catalog (use --strict-models to make this an error)`);
    writeFileSync(file, '{"prompt": "Summarise this other clause", "records": {"gpt4o-mini": {"wins": 3}}}\n');
    const strict = await runCli(['seed', '--file', file, '--strict-models'], env);
    expect(strict.code).toBe(1);
    expect(strict.output).toContain(`error ${file}:1: records name 'gpt4o-mini', which is not a model in the catalog`);
    expect(strict.output).toContain('inserted 0');
  }, 120_000);

  it('refuses to start with a defaultModel outside the catalog, naming the key', async () => {
    const { file, env } = setup();
    const res = await runCli(['seed', '--file', file], { ...env, ROUTER_ROUTING__DEFAULT_MODEL: 'gpt4o' });
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/routing\.defaultModel: 'gpt4o' is not a model in the catalog \(catalog: \S/);
    expect(res.output).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('names the environment variable, not the config file, for a bad value the environment set', async () => {
    const { env } = setup();
    const res = await runCli(['serve'], { ...env, ROUTER_EMBEDDING__KEEP: 'middle' });
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/invalid configuration \(environment\):\n\s+embedding\.keep: .*\(set by environment variable ROUTER_EMBEDDING__KEEP\)/);
    expect(res.output).not.toContain('router.config.yaml');
  }, 120_000);
});
