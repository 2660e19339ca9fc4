import type { ServerType } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap, buildRouter, type Deps } from '../../src/cli/bootstrap.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { Embedder } from '../../src/embedding/embedder.js';
import { silentLogger } from '../../src/shared/logger.js';
import type { WinRecord } from '../../src/store/types.js';
import { seededRandom, syntheticEmbedder } from '../bench-lib.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Synthetic references: 384 dimensions (all-MiniLM-L6-v2's width, the configured default model),
 * 50 clusters ("intents"). Each vector is a random unit cluster centre plus Gaussian noise of norm
 * about 0.6, normalised: cosine to its centre ~0.86, between two members of one cluster ~0.74.
 */
export const SYNTHETIC = { dims: 384, clusters: 50, noise: 0.6 } as const;
export const MODELS = ['gpt-5', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'deepseek-chat', 'gpt-5-mini', 'llama-3.1-8b-instant'];

export function syntheticVectors(): Embedder {
  return syntheticEmbedder(SYNTHETIC.dims, SYNTHETIC.clusters, SYNTHETIC.noise);
}

/** The text the synthetic embedder maps to point `i` of cluster `i % clusters`. */
export function syntheticText(i: number): string {
  return `${i % SYNTHETIC.clusters}:${i}`;
}

/** Query points: drawn like the references, never equal to one. */
export function syntheticQueries(n: number): string[] {
  return Array.from({ length: n }, (_, i) => syntheticText(1_000_000_000 + i));
}

export function tempConfig(overrides: Record<string, unknown> = {}, dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-bench-'))): Config {
  return loadConfig({
    env: {},
    file: path.join(ROOT, 'router.config.yaml'),
    overrides: { dataDir, referenceDir: path.join(ROOT, 'reference-prompts'), log: { level: 'silent' }, seedOnEmpty: false, ...overrides },
  });
}

export interface BuildTimes {
  /** Writing prompts and their six model records to SQLite. */
  writeSeconds: number;
  /** Embedding (synthetic: near free), storing vectors in SQLite and inserting them into HNSW. */
  indexSeconds: number;
}

/**
 * A real store (SQLite + HNSW through bootstrap) holding `size` synthetic references with random
 * records for six models. Written in chunks of 50k so the JS heap never holds the whole set.
 */
export async function syntheticStore(size: number, onProgress?: (done: number) => void): Promise<{ deps: Deps; times: BuildTimes }> {
  const deps = await openSyntheticStore(tempConfig(SYNTHETIC_CONFIG));
  const rand = seededRandom(size);
  const record = (): WinRecord => ({ wins: Math.floor(rand() * 8), losses: Math.floor(rand() * 8), ties: Math.floor(rand() * 2) });
  const times: BuildTimes = { writeSeconds: 0, indexSeconds: 0 };
  const chunk = 50_000;
  for (let start = 0; start < size; start += chunk) {
    const items = Array.from({ length: Math.min(chunk, size - start) }, (_, j) => {
      const i = start + j;
      const cluster = i % SYNTHETIC.clusters;
      return { text: syntheticText(i), intent: `intent_${cluster}`, contentHash: `h${i}`, records: Object.fromEntries(MODELS.map((m) => [m, record()])) };
    });
    let t = performance.now();
    deps.references.writeSet(`synthetic-${start / chunk}`, null, items);
    times.writeSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    await deps.index.embedMissing();
    times.indexSeconds += (performance.now() - t) / 1000;
    onProgress?.(Math.min(size, start + chunk));
  }
  // The router read the (empty) store at bootstrap; build it again as a restart would.
  deps.router = buildRouter(deps);
  deps.index.save();
  return { deps, times };
}

/**
 * A fixed coverage threshold below the within-cluster similarity, so every synthetic query is covered
 * and takes the whole policy path; 'auto' would calibrate with one search per reference (minutes at 1M).
 */
export const SYNTHETIC_CONFIG = { routing: { coverageThreshold: 0.5 } } as const;

/** Opens (or creates) a store that holds synthetic vectors, with the matching embedder. */
export function openSyntheticStore(config: Config): Promise<Deps> {
  return bootstrap(config, silentLogger(), { embedder: syntheticVectors() });
}

export function cleanup(deps: Deps): void {
  deps.close();
  rmSync(deps.config.dataDir, { recursive: true, force: true });
}

export async function listen(server: ServerType): Promise<number> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no port');
  return address.port;
}

export async function close(server: ServerType): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
}

/** Short English prompts of different kinds, for the HTTP and outcome sections. */
export const PROMPTS = [
  'Write a Python function that merges two sorted lists',
  'Summarize this meeting transcript in three bullet points',
  'Translate "where is the train station" into German',
  'What is the capital of Australia?',
  'Fix the null pointer exception in this Java method',
  'Recommend a good pair of hiking boots for wide feet',
  'Draft a polite email asking my landlord to fix the heating',
  'A train leaves at 3pm going 60 mph; when does it arrive 150 miles away?',
];
