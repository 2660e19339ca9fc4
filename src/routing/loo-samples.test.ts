import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDeps } from '../../test/helpers/test-deps.js';
import type { Deps } from '../cli/bootstrap.js';
import { coverageTestOf, type CoverageTest } from './coverage.js';
import { leaveOneOutSamples } from './loo-samples.js';
import { resolveRoutingFit } from './tuning.js';

// The bundled references (with records) under the tiny fixture model.
let deps: Deps & { cleanup: () => void };
beforeAll(async () => {
  deps = await makeTestDeps();
});
afterAll(() => deps.cleanup());

describe('leaveOneOutSamples', () => {
  it("gives each held-out reference its neighbours' intents, which the coverage test's per-intent thresholds read", () => {
    const samples = leaveOneOutSamples(deps, { k: 5, max: 60 });
    expect(samples.length).toBeGreaterThan(30);
    for (const s of samples) {
      expect(s.evidence.map((e) => e.id)).not.toContain(s.id);
      const stored = deps.references.references(s.evidence.map((e) => e.id));
      expect(s.evidence.map((e) => e.intent)).toEqual(s.evidence.map((e) => stored.get(e.id)?.intent ?? null));
    }
    expect(samples.flatMap((s) => s.evidence).every((e) => e.intent !== null)).toBe(true);
  });
});

describe('resolveRoutingFit', () => {
  it('refits when the coverage test changes (a recalibration moves which samples count as covered), and reuses the fit otherwise', () => {
    const meta = deps.meta;
    const cachedKey = (): unknown => (JSON.parse(meta.get('routing_fit') ?? '{}') as { key?: unknown }).key;
    const routing = { ...deps.config.routing, tune: { ...deps.config.routing.tune, maxSamples: 60 } };
    const base = { references: deps.references, index: deps.index, catalog: deps.config.catalog, routing, meta, embedderKey: 'test' };
    const test: CoverageTest = coverageTestOf(deps.router.coverage, routing);
    const first = resolveRoutingFit({ ...base, coverage: test });
    const key = cachedKey();
    expect(first).not.toBeNull();
    expect(resolveRoutingFit({ ...base, coverage: test })).toEqual(first);
    expect(cachedKey()).toBe(key);
    const moved = { ...test, model: { ...test.model, threshold: test.model.threshold + 0.05 } };
    resolveRoutingFit({ ...base, coverage: moved });
    expect(cachedKey()).not.toBe(key);
  });
});
