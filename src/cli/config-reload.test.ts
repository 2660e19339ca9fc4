import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir, TEST_CONFIG_FILE } from '../../test/helpers/test-deps.js';
import { LexicalEmbedder } from '../embedding/lexical-embedder.js';
import { silentLogger } from '../shared/logger.js';
import { loadConfig } from '../config/load.js';
import { bootstrap, type Deps } from './bootstrap.js';
import { createConfigReloader } from './config-reload.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

async function setup(options: { configMap?: boolean; overrides?: Record<string, unknown> } = {}) {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'router.yaml');
  const shipped = readFileSync(TEST_CONFIG_FILE, 'utf8');
  if (options.configMap) {
    // Kubernetes' layout: router.yaml -> ..data/router.yaml, ..data -> ..<timestamp>/
    mkdirSync(path.join(dir, '..v1'));
    writeFileSync(path.join(dir, '..v1', 'router.yaml'), shipped);
    symlinkSync('..v1', path.join(dir, '..data'));
    symlinkSync(path.join('..data', 'router.yaml'), file);
  } else writeFileSync(file, shipped);
  const env = { ROUTER_DATA_DIR: path.join(dir, 'data'), ROUTER_REFERENCE_DIR: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets') };
  const overrides = { referenceDir: env.ROUTER_REFERENCE_DIR, ...options.overrides };
  const deps: Deps = await bootstrap(loadConfig({ env, file, overrides }), silentLogger(), {
    embedder: new LexicalEmbedder({ dims: 128 }),
  });
  running.push(() => (deps.close(), cleanup()));
  const logs: string[] = [];
  const logger = silentLogger();
  logger.error = ((...args: unknown[]) => void logs.push(String(args.at(-1)))) as typeof logger.error;
  logger.warn = ((...args: unknown[]) => void logs.push(String(args.at(-1)))) as typeof logger.warn;
  logger.info = ((...args: unknown[]) => void logs.push(String(args.at(-1)))) as typeof logger.info;
  return { deps, dir, file, logs, reloader: createConfigReloader(deps, { env, file, logger, debounceMs: 20, pollMs: 100, overrides }) };
}

const RULE = `\nrules:\n  - name: pin-greetings\n    when: { keywords: [hello] }\n    then: { pin: gpt-5-mini }\n`;

describe('config hot reload', () => {
  it('takes a new catalog and rules without a restart', async () => {
    const { deps, file, reloader } = await setup();
    writeFileSync(file, readFileSync(file, 'utf8').replace('defaultModel: gpt-5 ', 'defaultModel: claude-haiku-4-5 ') + RULE);
    expect(await reloader.reload()).toBe('applied');
    expect(deps.config.routing.defaultModel).toBe('claude-haiku-4-5');
    const { decision } = await deps.router.route({ prompt: 'hello there', constraints: {} });
    expect(decision.kind === 'routed' && decision.rule).toBe('pin-greetings');
  });

  it('warns about an upstream added with an unset apiKeyEnv, as at start, and only once', async () => {
    const { file, logs, reloader } = await setup();
    const upstream = '    tags: [premium, general, code]\n    upstream: { baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: SEMROUTE_TEST_UNSET_KEY }\n';
    writeFileSync(file, readFileSync(file, 'utf8').replace('    tags: [premium, general, code]\n', upstream));
    expect(await reloader.reload()).toBe('applied');
    const warning = 'upstream key for gpt-5 is unset: set SEMROUTE_TEST_UNSET_KEY, or its calls go out without a key';
    expect(logs.filter((l) => l === warning)).toHaveLength(1);
    writeFileSync(file, readFileSync(file, 'utf8').replace('costWeight: 0.25 ', 'costWeight: 0.5 '));
    expect(await reloader.reload()).toBe('applied');
    expect(logs.filter((l) => l === warning)).toHaveLength(1);
  });

  it('keeps the command line over the file (serve --port) and logs the rebuilt routing line', async () => {
    const { deps, file, logs, reloader } = await setup({ overrides: { server: { port: 9917 } } });
    writeFileSync(file, readFileSync(file, 'utf8').replace('costWeight: 0.25 ', 'costWeight: 0.5 '));
    expect(await reloader.reload()).toBe('applied');
    expect(deps.config.server.port).toBe(9917);
    expect(logs.filter((l) => l.includes('only after a restart'))).toEqual([]);
    expect(logs.find((l) => l.startsWith('routing: '))).toContain('costWeight 0.5');
  });

  it('runs reloads one at a time: one waiting is superseded by the next, and the last file read wins', async () => {
    const { deps, file, logs, reloader } = await setup();
    const base = readFileSync(file, 'utf8');
    const withK = (k: number) => writeFileSync(file, base.replace('k: 10 ', `k: ${k} `));
    withK(11);
    const first = reloader.reload();
    withK(12);
    const second = reloader.reload();
    withK(13);
    const third = reloader.reload();
    // The first refit had started; the second waited and the third replaced it.
    expect(await Promise.all([first, second, third])).toEqual(['applied', 'superseded', 'applied']);
    expect(deps.config.routing.k).toBe(13);
    expect(deps.router.coverageTest.k).toBe(13);
    expect(logs.filter((l) => l === 'config reloaded')).toHaveLength(2);
  });

  it('rejects a bad file with a clear log line and keeps the old config', async () => {
    const { deps, file, logs, reloader } = await setup();
    const before = deps.config;
    writeFileSync(file, 'catalog:\n  - id: x\n    provider: p\n    inputPricePer1M: -3\n');
    expect(await reloader.reload()).toBe('rejected');
    expect(deps.config).toBe(before);
    expect(logs[0]).toContain('rejected');
  });

  it('reloads when the file changes on disk', async () => {
    const { deps, file, reloader } = await setup();
    const stop = reloader.watch();
    writeFileSync(file, readFileSync(file, 'utf8') + RULE);
    await new Promise((resolve) => setTimeout(resolve, 400));
    stop();
    expect(deps.config.rules.map((r) => r.name)).toEqual(['pin-greetings']);
  });
});

/** Waits until the running rules are `names` (or fails after 5 s). */
async function rulesBecome(deps: Deps, names: string[]): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 25) {
    if (JSON.stringify(deps.config.rules.map((r) => r.name)) === JSON.stringify(names)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(deps.config.rules.map((r) => r.name)).toEqual(names);
}

const ruleNamed = (name: string) => RULE.replace('pin-greetings', name);

describe('config hot reload survives how files are really saved', () => {
  it('keeps reloading after saves by rename (an editor), sed -i and vim-style backup swaps', async () => {
    const { deps, file, reloader } = await setup();
    running.push(reloader.watch());
    const base = readFileSync(file, 'utf8');
    // 1. write a temp file and rename it over the config (VS Code, atomic writers)
    writeFileSync(`${file}.tmp`, base + ruleNamed('first'));
    renameSync(`${file}.tmp`, file);
    await rulesBecome(deps, ['first']);
    // 2. sed -i: a new inode renamed into place
    execFileSync('sed', ['-i', 's/name: first/name: second/', file]);
    await rulesBecome(deps, ['second']);
    // 3. vim (backupcopy=no): rename the original away, write a new file, delete the backup
    renameSync(file, `${file}~`);
    writeFileSync(file, base + ruleNamed('third'));
    unlinkSync(`${file}~`);
    await rulesBecome(deps, ['third']);
    // 4. and a plain in-place write still works after all that
    writeFileSync(file, base + ruleNamed('fourth'));
    await rulesBecome(deps, ['fourth']);
  });

  it('waits while the file is deleted, keeping the running config, and reloads it when it is re-created', async () => {
    const { deps, file, reloader } = await setup();
    running.push(reloader.watch());
    const base = readFileSync(file, 'utf8');
    unlinkSync(file);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deps.config.catalog.length).toBeGreaterThan(0);
    writeFileSync(file, base + ruleNamed('back'));
    await rulesBecome(deps, ['back']);
  });

  it('follows a ConfigMap-style symlink swap', async () => {
    const { deps, dir, reloader } = await setup({ configMap: true });
    running.push(reloader.watch());
    const base = readFileSync(path.join(dir, '..v1', 'router.yaml'), 'utf8');
    for (const [version, name] of [['..v2', 'swapped'], ['..v3', 'swapped-again']] as const) {
      mkdirSync(path.join(dir, version));
      writeFileSync(path.join(dir, version, 'router.yaml'), base + ruleNamed(name));
      symlinkSync(version, path.join(dir, '..data_tmp'));
      renameSync(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
      await rulesBecome(deps, [name]);
    }
  });
});
