import os from 'node:os';
import type { KindSummary, LoadSummary } from './plan.js';
import type { ProbeStats, RebuildStats } from './probe.js';

export interface Bounds {
  readonly p99Ms: number;
  readonly rssGrowthMiB: number;
}

export interface RssFigures {
  readonly beforeLoad: number;
  readonly end: number;
  readonly max: number;
  /** Median over the window after the warm-up: the baseline growth is measured from. */
  readonly afterWarmup: number;
  /** Median over the last window. */
  readonly lastWindow: number;
  readonly windowS: number;
  readonly samples: number;
}

export interface SoakFigures {
  readonly load: LoadSummary;
  readonly probe: ProbeStats;
  readonly rebuild: RebuildStats;
  readonly rss: RssFigures;
  readonly acknowledgedOutcomes: number;
  readonly storedOutcomes: number;
  readonly errorLogLines: number;
  readonly serviceExit: string;
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, node ${process.version}, ${os.platform()} ${os.release()}, load average ${load}`;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function kindLine(name: string, k: KindSummary, seconds: number): string {
  const codes = Object.entries(k.statusCodes).map(([code, n]) => `${code}×${n}`).join(' ');
  return (
    `${name.padEnd(8)} ${String(k.requests).padStart(8)} answered (${(k.requests / seconds).toFixed(0)}/s)  2xx ${k.ok}  non-2xx ${k.non2xx}  ` +
    `errors ${k.errors} (timeouts ${k.timeouts})  latency p50 ${k.p50} ms  p90 ${k.p90} ms  p99 ${k.p99} ms  max ${k.max} ms  [${codes}]`
  );
}

/** Every reason the run failed; empty when it passed. */
export function verdict(f: SoakFigures, bounds: Bounds): string[] {
  const failures: string[] = [];
  for (const [name, k] of Object.entries(f.load)) {
    if (k.non2xx + k.errors > 0) failures.push(`${name}: ${k.non2xx} non-2xx answers and ${k.errors} errors (${k.timeouts} timeouts)`);
    if (k.p99 > bounds.p99Ms) failures.push(`${name}: p99 ${k.p99} ms is over the bound of ${bounds.p99Ms} ms`);
  }
  const growth = f.rss.lastWindow - f.rss.afterWarmup;
  if (growth > bounds.rssGrowthMiB) failures.push(`RSS grew ${growth.toFixed(1)} MiB after the warm-up, over the bound of ${bounds.rssGrowthMiB} MiB`);
  if (f.probe.mismatches > 0) failures.push(`${f.probe.mismatches} probe mismatches: ${f.probe.examples.join('; ')}`);
  if (f.rebuild.failures.length > 0) failures.push(`rebuilds failed: ${f.rebuild.failures.join('; ')}`);
  if (f.storedOutcomes < f.acknowledgedOutcomes) failures.push(`${f.acknowledgedOutcomes - f.storedOutcomes} acknowledged outcomes are not in SQLite`);
  if (f.errorLogLines > 0) failures.push(`${f.errorLogLines} error lines in the service log`);
  return failures;
}

export function render(f: SoakFigures, seconds: number, bounds: Bounds): string {
  const probeP = (p: number) => percentile(f.probe.latenciesMs, p).toFixed(1);
  const rebuildMs = f.rebuild.wallMs;
  return [
    `requests over ${seconds} s:`,
    `  ${kindLine('route', f.load.route, seconds)}`,
    `  ${kindLine('outcome', f.load.outcome, seconds)}`,
    `outcomes acknowledged ${f.acknowledgedOutcomes}, stored in SQLite ${f.storedOutcomes}`,
    `probe (known prompt every ~0.5 s): ${f.probe.sent} sent, ${f.probe.duringRebuild} while a rebuild ran, ${f.probe.mismatches} mismatches; ` +
      `latency p50 ${probeP(50)} ms, p99 ${probeP(99)} ms, max ${probeP(100)} ms; models ${JSON.stringify(f.probe.models)}`,
    `rebuilds (POST /v1/admin/rebuild): ${f.rebuild.count}, failed ${f.rebuild.failures.length}, wall time p50 ${percentile(rebuildMs, 50).toFixed(0)} ms, max ${percentile(rebuildMs, 100).toFixed(0)} ms`,
    `RSS (VmRSS, ${f.rss.samples} samples): before load ${f.rss.beforeLoad.toFixed(1)} MiB, end ${f.rss.end.toFixed(1)} MiB, max ${f.rss.max.toFixed(1)} MiB; ` +
      `median of the ${f.rss.windowS} s after the warm-up ${f.rss.afterWarmup.toFixed(1)} MiB, of the last ${f.rss.windowS} s ${f.rss.lastWindow.toFixed(1)} MiB: ` +
      `growth ${(f.rss.lastWindow - f.rss.afterWarmup).toFixed(1)} MiB`,
    `service: ${f.errorLogLines} error log lines; stopped with ${f.serviceExit}`,
    `bounds: errors 0, p99 ≤ ${bounds.p99Ms} ms per kind, RSS growth (median of last window − median after warm-up) ≤ ${bounds.rssGrowthMiB} MiB, probe mismatches 0, no acknowledged outcome missing`,
    `machine: ${machineLine()}`,
  ].join('\n');
}
