import { describe, expect, it } from 'vitest';
import { LexicalEmbedder } from '../embedding/lexical-embedder.js';
import { silentLogger } from '../shared/logger.js';
import { renderHtml, renderSvg } from './plot.js';
import { renderGroup, renderSummary } from './render-table.js';
import { FOLD_PHASES } from './replay.js';
import { runEval } from './run-eval.js';
import type { EvalDataset, EvalRow } from './types.js';

const NAMES = ['Anna', 'Bruno', 'Chen', 'Dara', 'Emil', 'Fatima', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kira', 'Luis'];

/*
 * A toy routing set with an obvious answer: arithmetic word problems only the dear model solves,
 * greetings both models handle. A router that learns this sends greetings to the cheap model and
 * keeps the best single model's quality (1.0) at about half its cost.
 */
function toyDataset(): EvalDataset {
  const rows: EvalRow[] = NAMES.flatMap((name, i) => [
    { prompt: `Compute the sum of ${i + 3} and ${i + 7} apples that ${name} picked`, outcomes: { cheap: 0, dear: 1 }, group: 'math' },
    { prompt: `Say a friendly hello to ${name} and wish a nice day`, outcomes: { cheap: 1, dear: 1 }, group: 'chat' },
  ]);
  return {
    name: 'toy',
    rows,
    models: ['cheap', 'dear'],
    perCallCost: { cheap: 0.001, dear: 0.01 },
    strongModel: 'dear',
    costNote: 'toy costs',
    notes: [],
  };
}

describe('runEval (real SQLite, HNSW and router, lexical embedder)', () => {
  it('replays a dataset with cross-validation and reports baselines, curves and metrics', async () => {
    const progress: string[] = [];
    const report = await runEval(
      toyDataset(),
      { folds: 2, seed: 1, costWeights: [0, 0.2, 0.5, 2], policies: ['knn-winrate', 'knn-success'], scheme: 'success', routing: { minSupport: 0 } },
      { embedder: new LexicalEmbedder({ dims: 256 }), logger: silentLogger(), onProgress: (m) => progress.push(m) },
    );
    expect(report.sizes).toEqual({ rows: 24, test: 24, routed: 24, unscored: 0 });
    expect(report.folds).toHaveLength(2);
    // Each fold reports every phase as it ends, then its summary; the phases account for its time.
    const foldLines = progress.filter((m) => m.startsWith('fold 1/2'));
    expect(foldLines).toHaveLength(FOLD_PHASES.length + 1);
    expect(foldLines.at(-1)).toMatch(/^fold 1\/2 done: 12 references, 12 routed/);
    for (const fold of report.folds) {
      expect(Object.keys(fold.phases)).toEqual([...FOLD_PHASES]);
      const sum = Object.values(fold.phases).reduce((a, b) => a + b, 0);
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThanOrEqual(fold.seconds + 1e-9);
    }
    expect(report.groups.map((g) => g.group)).toEqual(['all', 'chat', 'math']);
    const all = report.groups[0];
    if (!all) throw new Error('no report for all');
    expect(all.bestSingle).toMatchObject({ model: 'dear', quality: 1 });
    expect(all.bestSingle.cost).toBeCloseTo(0.01, 12);
    expect(all.cheapest).toMatchObject({ model: 'cheap', quality: 0.5 });
    // Oracle: greetings at $0.001, arithmetic at $0.01, all correct.
    expect(all.oracle.quality).toBe(1);
    expect(all.oracle.cost).toBeCloseTo(0.0055, 12);
    expect(all.bestPerGroup).toMatchObject({ quality: 1, models: { chat: 'cheap', math: 'dear' } });
    for (const p of all.policies) {
      expect(p.curve.map((c) => c.costWeight)).toEqual([0, 0.2, 0.5, 2]);
      // Greetings go to the cheap model once cost matters, arithmetic stays with the dear one.
      expect(p.costAtParity).not.toBeNull();
      expect(p.costAtParity ?? 1).toBeLessThan(0.7);
      expect(p.apgr).toBeGreaterThan(0.5);
      expect(p.cpt95).not.toBeNull();
    }
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ dataset: 'toy', scheme: 'success' });

    const svg = await renderSvg('toy', report.groups);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // Per group: one hull per policy and the zero router's.
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(3 * report.groups.length);
    expect(svg).toContain('>oracle</text>');
    expect(await renderHtml('toy', report.groups)).toContain('<body><svg');
    expect(renderGroup(all)).toContain('oracle (best score, cheapest)');
    expect(renderSummary(report.groups).split('\n')).toHaveLength(2 + 2 * report.groups.length);
  });

  it('gives the same figures when the folds run in worker threads', async () => {
    const settings = { folds: 3, seed: 2, costWeights: [0, 0.5, 2], policies: ['knn-winrate', 'knn-success'], targets: [{ qualityShare: 0.95 }], scheme: 'success', routing: { minSupport: 0 } } as const;
    const run = (workers: number) => runEval(toyDataset(), settings, { embedder: new LexicalEmbedder({ dims: 256 }), logger: silentLogger(), workers });
    const [serial, parallel] = [await run(1), await run(3)];
    const figures = (r: typeof serial) => JSON.stringify({ groups: r.groups, sizes: r.sizes, folds: r.folds.map((f) => ({ ...f, seconds: 0, phases: {}, routingFit: f.routingFit && { ...f.routingFit, seconds: 0 } })) });
    expect(parallel.folds.map((f) => f.fold)).toEqual([0, 1, 2]);
    expect(figures(parallel)).toBe(figures(serial));
    expect(serial.groups[0]?.targets).toHaveLength(1);
  }, 60_000);
});
