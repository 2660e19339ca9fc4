import { writeFileSync } from 'node:fs';
import { machineInfo, machineLine, type LatencySummary, type MachineInfo } from '../bench-lib.js';

export type Cell = string | number | null;

/** One printed table, kept as printed in the JSON report (which also holds the raw results). */
export interface Table {
  readonly section: string;
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: Cell[][];
  readonly notes: string[];
}

/**
 * Collects every section's tables, prints each as it completes (a long run shows progress), and
 * writes them all as JSON at the end, with the machine line taken at the start and again at the end
 * (the load average can change a lot during a run on a shared machine).
 */
export class Report {
  readonly tables: Table[] = [];
  readonly machineAtStart: MachineInfo = machineInfo();
  /** Raw results per section (full latency summaries, per-run figures), written beside the tables. */
  readonly results: Record<string, unknown> = {};

  constructor(readonly command: string) {
    console.log(`command: ${command}`);
    console.log(machineLine(this.machineAtStart));
  }

  table(section: string, title: string, headers: readonly string[], rows: Cell[][], notes: string[] = []): void {
    const t: Table = { section, title, headers, rows, notes };
    this.tables.push(t);
    console.log(`\n${renderTable(t)}`);
  }

  writeJson(file: string): void {
    const machineAtEnd = machineInfo();
    console.log(`\n${machineLine(machineAtEnd)}`);
    writeFileSync(file, JSON.stringify({ command: this.command, machineAtStart: this.machineAtStart, machineAtEnd, tables: this.tables, results: this.results }, null, 2));
    console.log(`wrote ${file}`);
  }

  end(): void {
    console.log(`\n${machineLine()}`);
  }
}

/** A Markdown table (readable in a terminal, pasteable into BENCHMARKS.md). */
export function renderTable(t: Table): string {
  const cells = t.rows.map((r) => r.map(formatCell));
  const widths = t.headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    `### ${t.title}`,
    line(t.headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
    ...t.notes.map((n) => `- ${n}`),
  ].join('\n');
}

function formatCell(c: Cell): string {
  if (c === null) return '–';
  if (typeof c === 'string') return c;
  return formatNumber(c);
}

/** Integers and numbers from 100 up with thousands separators, three significant figures below. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (Number.isInteger(x) || abs >= 100) return Math.round(x).toLocaleString('en-US');
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  if (abs >= 0.01) return x.toFixed(3);
  return x === 0 ? '0' : x.toPrecision(2);
}

export function ms(x: number): string {
  return `${formatNumber(x)} ms`;
}

export function ratio(x: number): string {
  return `${formatNumber(x)}×`;
}

/** p50 / p99 of a latency summary as one cell. */
export function p50p99(s: LatencySummary): string {
  return `${formatNumber(s.p50)} / ${formatNumber(s.p99)} ms`;
}
