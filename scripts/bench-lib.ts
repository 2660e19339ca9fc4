import os from 'node:os';
import type { Embedder, EmbedderFingerprint } from '../src/embedding/embedder.js';
import { normalizeInPlace } from '../src/embedding/embedder.js';
import { gaussian, seededRandom } from '../src/shared/random.js';

export { seededRandom };

/** What the numbers were measured on, for a JSON report. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  /** 1, 5 and 15 minute load averages when the line was taken: above the core count, the numbers are contended. */
  loadAverage: [number, number, number];
  at: string;
}

export function machineInfo(): MachineInfo {
  const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg();
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown cpu',
    cores: os.cpus().length,
    ramGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
    loadAverage: [l1, l5, l15].map((x) => Math.round(x * 100) / 100) as [number, number, number],
    at: new Date().toISOString(),
  };
}

/** What the numbers were measured on; printed first by every benchmark. */
export function machineLine(info: MachineInfo = machineInfo()): string {
  return `machine: ${info.cpu} x${info.cores}, ${info.ramGiB} GiB, node ${info.node}, ${info.os}, load average ${info.loadAverage.join(' ')}, ${info.at}`;
}

export interface LatencySummary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), mean };
}

export function fmt(s: LatencySummary, unit = 'ms'): string {
  const f = (x: number) => (x < 0.1 ? x.toFixed(4) : x < 10 ? x.toFixed(3) : x.toFixed(1));
  return `p50 ${f(s.p50)} ${unit}  p90 ${f(s.p90)} ${unit}  p99 ${f(s.p99)} ${unit}  mean ${f(s.mean)} ${unit}  (n=${s.n})`;
}


/**
 * Synthetic "embeddings" with cluster structure, like real intents: the text `cluster:i` maps to
 * a cluster centre plus noise. Lets decision-time benchmarks run at any size without a model.
 */
export function syntheticEmbedder(dims: number, clusters: number, noise = 0.6): Embedder {
  const rand = seededRandom(7);
  const centres = Array.from({ length: clusters }, () => normalizeInPlace(Float32Array.from({ length: dims }, () => gaussian(rand))));
  const fingerprint: EmbedderFingerprint = { backend: 'lexical', modelId: `synthetic-${clusters}`, dims, pooling: 'none' };
  const vectorFor = (text: string): Float32Array => {
    const [c, i] = text.split(':').map(Number);
    const centre = centres[(c ?? 0) % clusters] ?? new Float32Array(dims);
    const r = seededRandom(((c ?? 0) * 1_000_003 + (i ?? 0)) >>> 0);
    // Per-dimension noise of sd noise/sqrt(dims): the noise vector's norm is about `noise`.
    return normalizeInPlace(Float32Array.from(centre, (x) => x + (noise / Math.sqrt(dims)) * gaussian(r)));
  };
  return { fingerprint, embed: async (texts) => texts.map(vectorFor) };
}
