import { afterEach, describe, expect, it } from 'vitest';
import { appDepsOf, buildRouter, dataPaths } from '../../src/cli/bootstrap.js';
import { createApp } from '../../src/server/app.js';
import { RouteResponseSchema } from '../../src/server/schemas.js';
import { silentLogger } from '../../src/shared/logger.js';
import { contentHash } from '../../src/store/content-hash.js';
import { openDatabase } from '../../src/store/db.js';
import { SqliteReferenceStore } from '../../src/store/reference-store.js';
import { VERSION_CHECK_MS } from '../../src/store/row-cache.js';
import { fixtureConfig, startLexical } from '../helpers/lexical-deps.js';
import { tempDir } from '../helpers/test-deps.js';

const running: (() => void)[] = [];
afterEach(() => running.splice(0).forEach((f) => f()));

describe('a write by another process', () => {
  it('moves what the next route sees, model priors included, as a router built afresh would', async () => {
    const { dir, cleanup } = tempDir();
    const config = fixtureConfig(dir);
    const deps = await startLexical(config);
    const app = createApp(appDepsOf(deps, silentLogger()));
    running.push(() => (deps.close(), cleanup()));
    const route = async () =>
      RouteResponseSchema.parse(await (await app.request('/v1/route', { method: 'POST', body: JSON.stringify({ prompt: 'Write a Python function that reverses a string' }), headers: { 'content-type': 'application/json' } })).json());
    const before = await route();

    // What `npm run seed` in another process does: its own connection, its own commit.
    const other = openDatabase(dataPaths(config).db);
    new SqliteReferenceStore(other).writeSet('elsewhere', 'another process', [
      { text: 'A prompt seeded from another process', intent: null, contentHash: contentHash('A prompt seeded from another process'), records: { small: { wins: 400, losses: 0, ties: 0 } } },
    ]);
    other.close();
    await new Promise((resolve) => setTimeout(resolve, VERSION_CHECK_MS + 20));

    const after = await route();
    const fresh = await buildRouter(deps).route({ prompt: 'Write a Python function that reverses a string', constraints: {} });
    if (fresh.decision.kind !== 'routed') throw new Error('not routed');
    expect(after.scores).toEqual(fresh.decision.scores);
    expect(after.scores).not.toEqual(before.scores);
  });
});
