import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, TEST_CONFIG_FILE } from '../../test/helpers/test-deps.js';
import { AppError } from '../shared/errors.js';
import { loadConfig, type Env } from './load.js';

const RUNS = 400;
/**
 * A hang guard, not a speed bound: each property takes 2-7 s alone at load ~19 on 2 cores, and a
 * loaded full run pushed one past vitest's 30 s default. The run counts are the point, so they stay.
 */
const HANG_GUARD_MS = 180_000;
/** The shipped defaults, from the test copy (users edit the root file; see shipped-config.test.ts). */
const SHIPPED = TEST_CONFIG_FILE;
let dir: string;
let cleanup: () => void;
let tried = 0;
let fileNo = 0;

beforeAll(() => ({ dir, cleanup } = tempDir('semroute-hostile-config-')));
afterAll(() => {
  cleanup();
  console.log(`hostile config: ${tried} files and environments tried`);
});

/** Loads, and returns the typed error it must throw (or null when the input happened to be valid). */
function attempt(options: { file: string; env?: Env }): AppError | null {
  tried += 1;
  try {
    loadConfig({ env: options.env ?? {}, file: options.file });
    return null;
  } catch (error) {
    // Anything but the typed config error is a crash.
    if (!(error instanceof AppError)) throw error;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details?.length).toBeGreaterThan(0);
    for (const d of error.details ?? []) expect(error.message).toContain(`${d.path}: `);
    return error;
  } finally {
    // No input may reach a shared prototype.
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  }
}

function write(ext: string, content: string | Uint8Array): string {
  const file = path.join(dir, `config-${fileNo++}.${ext}`);
  writeFileSync(file, content);
  return file;
}

const YAML_TOKENS = [
  'catalog:', '  - id: a', '    provider: p', 'server:', '  port: ', 'routing:', '  k: ', '&a ', '*a', '<<: *a', '!!binary ', '!!js/function ',
  '!!set ', '__proto__:', '  polluted: true', 'constructor:', '---', '...', '%YAML 1.1', '? ', ': ', '[', ']', '{', '}', '\t', '- ', '.inf', '.nan',
  '~', '|', '>-', '"', "'", '\n', '#', '\u0000', '\ufeff', 'x'.repeat(5000), '0x1F', '1e999', 'yes', 'null', ',',
];
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 40 }).map((t) => t.join('')),
  fc.constantFrom(
    `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
    'catalog: &c [*c]\n',
    '{"__proto__": {"polluted": true}, "catalog": []}',
    'server:\n  port: 1\nserver:\n  port: 2\n',
    'catalog:\n  - &m {id: a, provider: p, inputPricePer1M: 1, outputPricePer1M: 1, contextWindow: 10}\n  - *m\n',
  ),
);

describe('hostile config files and environments', () => {
  it(`throws only the typed config error for random and hostile YAML and JSON files (${RUNS} files)`, () => {
    fc.assert(
      fc.property(fc.oneof(hostileText.map((t) => Buffer.from(t)), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))), fc.constantFrom('yaml', 'yml', 'json'), (bytes, ext) => {
        attempt({ file: write(ext, bytes) });
      }),
      { numRuns: RUNS, seed: 20261123 },
    );
  }, HANG_GUARD_MS);

  // Once, not among the random files: the YAML parser needs ~0.5 s for it, and drawn ~7 times in
  // 400 it made up half of the property's time without trying anything new.
  it('throws the typed config error for 50,000 nested YAML brackets', () => {
    expect(attempt({ file: write('yaml', '['.repeat(50_000)) })?.code).toBe('CONFIG_INVALID');
    expect(attempt({ file: write('json', '['.repeat(50_000)) })?.code).toBe('CONFIG_INVALID');
  });

  it('reports a missing file, a folder and a non-mapping as typed errors with a detail', () => {
    for (const file of [path.join(dir, 'missing.yaml'), dir, write('json', '[1, 2]'), write('yaml', '"just a string"')]) {
      expect(attempt({ file })?.details?.[0]?.path).toBe('(file)');
    }
  });

  it(`lists every injected problem by its path, from the file and from the environment (${RUNS} configs)`, () => {
    const base = JSON.parse(JSON.stringify(loadConfig({ env: {}, file: SHIPPED }))) as Record<string, unknown>;
    fc.assert(
      fc.property(fc.uniqueArray(injection, { minLength: 1, maxLength: 6, selector: (i) => i.path }), fc.constantFrom('yaml', 'json'), fc.boolean(), (chosen, ext, viaEnv) => {
        const tree = structuredClone(base);
        const env: Record<string, string> = {};
        for (const i of chosen) {
          const envName = viaEnv && typeof i.value !== 'object' ? envNameOf(i.path) : undefined;
          if (envName !== undefined) env[envName] = String(i.value);
          else setAt(tree, i.path.split('.'), i.value);
        }
        // JSON is YAML too: the .yaml files go through the YAML parser.
        const error = attempt({ file: write(ext, JSON.stringify(tree)), env });
        expect(error?.details?.map((d) => d.path).sort()).toEqual(chosen.map((i) => i.reported ?? i.path).sort());
      }),
      { numRuns: RUNS, seed: 20261124 },
    );
  }, HANG_GUARD_MS);

  it(`never crashes on random environment overrides (${RUNS} environments)`, () => {
    const name = fc.oneof(
      fc.constantFrom('PORT', 'ROUTER_DATA_DIR', 'ROUTER_ADMIN_TOKEN', 'ROUTER___PROTO____POLLUTED', 'ROUTER_CONSTRUCTOR__PROTOTYPE__POLLUTED', 'ROUTER___', 'ROUTER_CATALOG__0__ID', 'ROUTER_RULES__X'),
      fc.tuple(fc.constantFrom('SERVER', 'ROUTING', 'INDEX', 'EMBEDDING', 'PROXY__BUDGETS', 'LOG', 'X'), fc.stringMatching(/^[A-Z_]{1,20}$/)).map(([s, k]) => `ROUTER_${s}__${k}`),
    );
    fc.assert(
      fc.property(fc.dictionary(name, fc.string({ unit: 'binary', maxLength: 40 }), { maxKeys: 6 }), (env) => {
        attempt({ file: SHIPPED, env });
      }),
      { numRuns: RUNS, seed: 20261125 },
    );
  }, HANG_GUARD_MS);
});

interface Injection {
  readonly path: string;
  readonly value: unknown;
  /** Where the issue is reported when that is deeper than the injected path. */
  readonly reported?: string;
}

/** A bad value per path, each breaking exactly one rule of the schema. */
const INJECTIONS: readonly Injection[][] = [
  [{ path: 'server.port', value: 'seventy' }, { path: 'server.port', value: -1 }, { path: 'server.port', value: 70_000 }, { path: 'server.port', value: 1.5 }],
  [{ path: 'server.maxBodyBytes', value: 0 }, { path: 'server.maxBodyBytes', value: 'big' }],
  [{ path: 'server.shutdownDeadlineMs', value: 0 }, { path: 'server.shutdownDeadlineMs', value: 2.5 }],
  [{ path: 'server.corsOrigins', value: 'https://x.example' }, { path: 'server.corsOrigins', value: [''], reported: 'server.corsOrigins.0' }],
  [{ path: 'embedding.backend', value: 'gpu' }],
  [{ path: 'embedding.batchSize', value: 0 }, { path: 'embedding.batchSize', value: 2000 }],
  [{ path: 'embedding.allowRemote', value: 'maybe' }],
  [{ path: 'index.m', value: 1 }, { path: 'index.efSearch', value: 4 }],
  [{ path: 'routing.k', value: 0 }, { path: 'routing.k', value: 'ten' }],
  [{ path: 'routing.costWeight', value: -0.1 }, { path: 'routing.costWeight', value: 11 }],
  [{ path: 'routing.coverageThreshold', value: 1.5 }, { path: 'routing.coverageThreshold', value: 'sometimes' }],
  [{ path: 'routing.exploration.enabled', value: 'perhaps' }],
  [{ path: 'learning.duplicateSimilarity', value: 1.5 }, { path: 'learning.promoteAfter', value: 0 }],
  [{ path: 'proxy.retries', value: 9 }, { path: 'proxy.cooldown.failures', value: 0 }, { path: 'proxy.budgets.onExhausted', value: 'panic' }],
  [{ path: 'log.level', value: 'loud' }],
  [{ path: 'admin.token', value: 'short' }],
  [{ path: 'dataDir', value: '' }],
  [{ path: 'catalog.0.inputPricePer1M', value: -1 }, { path: 'catalog.0.inputPricePer1M', value: '3 dollars' }],
  [{ path: 'catalog.1.contextWindow', value: 0 }, { path: 'catalog.1.contextWindow', value: 1.5 }],
  [{ path: 'catalog.2.id', value: '' }],
  [{ path: 'catalog.3.upstream', value: { baseUrl: 'not a url' }, reported: 'catalog.3.upstream.baseUrl' }],
  [{ path: 'rules', value: [{ name: 'r', when: {}, then: { pin: 'gpt-5' } }], reported: 'rules.0.when' }],
];
const injection = fc.constantFrom(...INJECTIONS).chain((options) => fc.constantFrom(...options));

/** ROUTER_<SECTION>__<KEY> in snake case; catalog and rules entries have no variable of their own. */
function envNameOf(dotted: string): string | undefined {
  if (dotted.startsWith('catalog.') || dotted === 'rules' || dotted === 'dataDir') return undefined;
  if (dotted === 'server.port') return 'PORT';
  return `ROUTER_${dotted.split('.').map((key) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()).join('__')}`;
}

function setAt(tree: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  const [head, ...rest] = keys;
  if (head === undefined) return;
  if (rest.length === 0) tree[head] = value;
  else setAt(tree[head] as Record<string, unknown>, rest, value);
}

// The shipped file itself must load, or every case above would fail for the wrong reason.
it('loads the shipped config', () => {
  expect(loadConfig({ env: {}, file: SHIPPED }).catalog.length).toBeGreaterThanOrEqual(4);
  expect(readFileSync(SHIPPED, 'utf8')).toContain('catalog:');
});
