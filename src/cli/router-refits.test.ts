import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../config/schema.js';
import { fixtureConfig, startLexical } from '../../test/helpers/lexical-deps.js';
import { tempDir } from '../../test/helpers/test-deps.js';
import type { Router } from '../routing/router.js';
import { silentLogger } from '../shared/logger.js';
import { buildRouter, type Deps } from './bootstrap.js';
import { RouterRefits } from './router-refits.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

/**
 * The serialiser around real routers (lexical deps over the fixture sets); the build step is held
 * open by the test so that what runs when, and what is in force meanwhile, can be checked exactly.
 */
async function setup() {
  const { dir, cleanup } = tempDir();
  const deps: Deps = await startLexical(fixtureConfig(dir));
  running.push(() => (deps.close(), cleanup()));
  const target = { config: deps.config, router: deps.router };
  const builds: { config: Config; storeChanged: boolean; finish: (fail?: boolean) => Router }[] = [];
  const errors: string[] = [];
  const logger = silentLogger();
  logger.error = ((...args: unknown[]) => void errors.push(String(args.at(-1)))) as typeof logger.error;
  const refits = new RouterRefits({
    target: () => target,
    build: (config, options) =>
      new Promise<Router>((resolve, reject) => {
        builds.push({
          config,
          storeChanged: options.storeChanged,
          finish: (fail = false) => {
            const router = buildRouter({ ...deps, config });
            if (fail) reject(new Error('refit blew up'));
            else resolve(router);
            return router;
          },
        });
      }),
    logger,
  });
  return { deps, target, builds, errors, refits };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RouterRefits', () => {
  it('keeps the running config and router until the refit is done, then swaps both', async () => {
    const { target, builds, refits } = await setup();
    const before = { ...target };
    const next = { ...target.config, routing: { ...target.config.routing, costWeight: 0.7 } };
    const outcome = refits.request({ config: next });
    await tick();
    expect(builds).toHaveLength(1);
    expect(target).toEqual(before);
    const router = builds[0]?.finish();
    expect(await outcome).toBe('applied');
    expect(target.config).toBe(next);
    expect(target.router).toBe(router);
  });

  it('a failed refit is logged and leaves config and router as they were', async () => {
    const { target, builds, errors, refits } = await setup();
    const before = { ...target };
    const outcome = refits.request({ config: { ...target.config, catalog: target.config.catalog.slice(0, 1) } });
    await tick();
    builds[0]?.finish(true);
    expect(await outcome).toBe('failed');
    expect(target.config).toBe(before.config);
    expect(target.router).toBe(before.router);
    expect(errors).toEqual(['refitting the router failed; the running router and config stay in force']);
  });

  it('a store change during a config refit runs after it, on the new config, reading the store afresh', async () => {
    const { target, builds, refits } = await setup();
    const next = { ...target.config, routing: { ...target.config.routing, costWeight: 0.7 } };
    const reload = refits.request({ config: next });
    const edit = refits.request();
    await tick();
    expect(builds.map((b) => b.storeChanged)).toEqual([false]);
    builds[0]?.finish();
    expect(await reload).toBe('applied');
    await tick();
    expect(builds).toHaveLength(2);
    expect(builds[1]?.config).toBe(next);
    expect(builds[1]?.storeChanged).toBe(true);
    const router = builds[1]?.finish();
    expect(await edit).toBe('applied');
    expect(target.router).toBe(router);
  });
});
