import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../../test/helpers/test-deps.js';
import { LexicalEmbedder } from '../embedding/lexical-embedder.js';
import { silentLogger } from '../shared/logger.js';
import { loadConfig } from '../config/load.js';
import { bootstrap, type Deps } from './bootstrap.js';
import { createConfigReloader } from './config-reload.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

async function setup() {
  const { dir, cleanup } = tempDir();
  const file = path.join(dir, 'router.yaml');
  writeFileSync(file, readFileSync(path.join(PROJECT_ROOT, 'router.config.yaml'), 'utf8'));
  const env = { ROUTER_DATA_DIR: path.join(dir, 'data'), ROUTER_REFERENCE_DIR: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets') };
  const deps: Deps = await bootstrap(loadConfig({ env, file, overrides: { referenceDir: env.ROUTER_REFERENCE_DIR } }), silentLogger(), {
    embedder: new LexicalEmbedder({ dims: 128 }),
  });
  running.push(() => (deps.close(), cleanup()));
  const logs: string[] = [];
  const logger = silentLogger();
  logger.error = ((...args: unknown[]) => void logs.push(String(args.at(-1)))) as typeof logger.error;
  return { deps, file, logs, reloader: createConfigReloader(deps, { env, file, logger, debounceMs: 20 }) };
}

const RULE = `\nrules:\n  - name: pin-greetings\n    when: { keywords: [hello] }\n    then: { pin: gpt-4o-mini }\n`;

describe('config hot reload', () => {
  it('takes a new catalog and rules without a restart', async () => {
    const { deps, file, reloader } = await setup();
    writeFileSync(file, readFileSync(file, 'utf8').replace('defaultModel: gpt-4o ', 'defaultModel: claude-3-5-haiku ') + RULE);
    expect(reloader.reload()).toBe(true);
    expect(deps.config.routing.defaultModel).toBe('claude-3-5-haiku');
    const { decision } = await deps.router.route({ prompt: 'hello there', constraints: {} });
    expect(decision.kind === 'routed' && decision.rule).toBe('pin-greetings');
  });

  it('rejects a bad file with a clear log line and keeps the old config', async () => {
    const { deps, file, logs, reloader } = await setup();
    const before = deps.config;
    writeFileSync(file, 'catalog:\n  - id: x\n    provider: p\n    inputPricePer1M: -3\n');
    expect(reloader.reload()).toBe(false);
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
