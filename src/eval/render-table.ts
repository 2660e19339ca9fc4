import type { CurvePoint, GroupReport, PolicyReport } from './report.js';

/** Plain-text tables for the terminal; `curves` adds each policy's sweep (the JSON always has it). */
export function renderGroup(g: GroupReport, options: { curves: boolean } = { curves: true }): string {
  const lines = [`== ${g.group}: ${g.rows} prompts routed ==`];
  lines.push(...table(['model', 'quality', '$/query', ''], baselineRows(g)));
  lines.push(`zero router (mixing single models along their hull): AIQ ${num(g.zeroRouterAiq)}`);
  if (g.bestPerGroup) {
    const picks = Object.entries(g.bestPerGroup.models).map(([group, m]) => `${group} → ${shortModel(m)}`).join(', ');
    lines.push(`best model per group (perfect task-level routing): ${q(g.bestPerGroup.quality)} at ${pct(g.bestPerGroup.costShare)} of the best single model's cost (${picks})`);
  }
  for (const p of g.policies) lines.push('', ...renderPolicy(p, g, options.curves));
  if (g.targets.length > 0) lines.push('', ...renderTargets(g));
  return lines.join('\n');
}

/** Operator targets as calibrated per fold (leave-one-out on the fold's references) and as held out. */
function renderTargets(g: GroupReport): string[] {
  const rows = g.targets.map((t) => [
    'qualityShare' in t.target ? `qualityShare ${t.target.qualityShare}` : `costShare ${t.target.costShare}`,
    `${pct(t.qualityShare)} @ ${pct(t.costShare)}`,
    `${pct(t.expectedQualityShare)} @ ${pct(t.expectedCostShare)}`,
    t.costWeights.map((w) => w.toPrecision(3)).join(', '),
  ]);
  return [`targets (shares of ${g.bestSingle.model}'s quality @ cost):`, ...table(['target', 'held out', 'expected (LOO)', 'costWeight per fold'], rows).map((l) => `  ${l}`)];
}

function baselineRows(g: GroupReport): string[][] {
  const models = [...g.perModel].sort((a, b) => b.quality - a.quality || a.cost - b.cost);
  const tag = (m: string) => [m === g.bestSingle.model ? 'best single' : '', m === g.cheapest.model ? 'cheapest' : '', m === g.strongModel ? 'strong' : '']
    .filter((t) => t !== '')
    .join(', ');
  return [
    ...models.map((m) => [m.model, q(m.quality), usd(m.cost), tag(m.model)]),
    ['random (uniform, expected)', q(g.random.quality), usd(g.random.cost), ''],
    ['oracle (best score, cheapest)', q(g.oracle.quality), usd(g.oracle.cost), ''],
  ];
}

function renderPolicy(p: PolicyReport, g: GroupReport, curves: boolean): string[] {
  const head = [
    `policy ${p.policy}: ${pct(p.uncoveredShare)} uncovered`,
    `AIQ ${num(p.aiq)} (${p.noHarmMargin === null ? '-' : signed(p.noHarmMargin)} vs the zero router)`,
    `cost at parity with ${g.bestSingle.model} ${p.costAtParity === null ? 'never reached' : pct(p.costAtParity)}`,
    `quality at 50% of its cost ${p.qualityAtHalfCost === null ? 'unreachable' : q(p.qualityAtHalfCost)}`,
  ].join(' | ');
  const lines = [head];
  if (p.apgr !== null) {
    lines.push(
      `  APGR ${num(p.apgr)} | CPT(95%) ${share(p.cpt95)} strong calls (PGR ≥ 0.95)` +
        ` | 95% of strong quality at ${share(p.strongCallsAt95PctQuality)} strong calls, cost saving ${share(p.costSavingsAt95PctQuality)}`,
    );
  }
  if (!curves) return lines;
  const headers = ['costWeight', 'quality', '$/query', 'predicted', ...(p.apgr !== null ? ['strong'] : []), 'calls'];
  lines.push(...table(headers, collapseRuns(p.curve.map((c) => curveRow(c, p.apgr !== null)))).map((l) => `  ${l}`));
  return lines;
}

/**
 * Consecutive sweep rows that differ only in costWeight (RouterDC's models all cost the same, so every
 * weight routes alike) become one row naming the first and last weight and how many it covers.
 */
export function collapseRuns(rows: readonly (readonly string[])[]): string[][] {
  const out: string[][] = [];
  let count = 0;
  let first = '';
  const sameFigures = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((cell, i) => i === 0 || cell === b[i]);
  for (const [i, row] of rows.entries()) {
    const last = out.at(-1);
    const previous = rows[i - 1];
    if (last !== undefined && previous !== undefined && sameFigures(previous, row)) {
      count += 1;
      last[0] = `${first}–${row[0] ?? ''} (${count} costWeights)`;
      continue;
    }
    out.push([...row]);
    first = row[0] ?? '';
    count = 1;
  }
  return out;
}

function curveRow(c: CurvePoint, twoModel: boolean): string[] {
  const top = Object.entries(c.modelShare)
    .slice(0, 3)
    .map(([m, s]) => `${shortModel(m)} ${pct(s)}`)
    .join(', ');
  return [String(c.costWeight), q(c.quality), usd(c.cost), q(c.predictedQuality), ...(twoModel ? [pct(c.strongShare ?? 0)] : []), top];
}

/** One line per group and policy: the figures to compare at a glance. */
export function renderSummary(groups: readonly GroupReport[]): string {
  const rows = groups.flatMap((g) =>
    g.policies.map((p) => [
      g.group,
      p.policy,
      pct(p.uncoveredShare),
      `${q(g.bestSingle.quality)} @ ${usd(g.bestSingle.cost)}`,
      q(Math.max(...p.curve.map((c) => c.quality))),
      p.costAtParity === null ? 'never' : pct(p.costAtParity),
      p.qualityAtHalfCost === null ? '-' : q(p.qualityAtHalfCost),
      num(p.aiq),
      num(g.zeroRouterAiq),
      p.noHarmMargin === null ? '-' : signed(p.noHarmMargin),
      p.apgr === null ? '-' : num(p.apgr),
      p.cpt95 === null ? '-' : pct(p.cpt95),
      p.strongCallsAt95PctQuality === null ? '-' : pct(p.strongCallsAt95PctQuality),
    ]),
  );
  const headers = ['group', 'policy', 'uncovered', 'best single q @ $', 'router max q', 'cost@parity', 'q@50%cost', 'AIQ', 'AIQ zero', 'margin', 'APGR', 'CPT(95%)', 'calls@95%q'];
  return table(headers, rows).join('\n');
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function shortModel(id: string): string {
  const slash = id.lastIndexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : id;
}

/** Three decimals; a value that rounds to zero prints 0.000, never -0.000. */
const q = (x: number) => (Math.abs(x) < 0.0005 ? '0.000' : x.toFixed(3));
const num = (x: number | null) => (x === null ? '-' : q(x));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const share = (x: number | null) => (x === null ? 'never' : pct(x));

/** Signed to three decimals; a value that rounds to zero is shown unsigned (0.000). */
function signed(x: number): string {
  return Math.abs(x) < 0.0005 ? '0.000' : `${x > 0 ? '+' : ''}${x.toFixed(3)}`;
}

/** Costs span 1e-5 to 1e-2 USD: three significant digits keep them comparable. */
function usd(x: number): string {
  return x === 0 ? '0' : x.toPrecision(3);
}
