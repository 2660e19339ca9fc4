import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fingerprintKey, type Embedder } from '../embedding/embedder.js';
import type { Logger } from '../shared/logger.js';
import type { MetaStore } from '../store/meta-store.js';

/**
 * The background set: everyday prompts that no intent covers, used ONLY to calibrate the coverage
 * test (coverage/calibrate-background.ts). They are never seeded as references and never routed to.
 * Every `*.jsonl` file in the folder counts: one `{"prompt": "...", "domain": "..."}` per line.
 */
export interface BackgroundSet {
  /** SHA-256 over the prompts: a change of the set triggers a new calibration. */
  readonly hash: string;
  readonly prompts: number;
  readonly vectors: readonly Float32Array[];
}

const BackgroundLine = z.object({ prompt: z.string().trim().min(1).max(4000), domain: z.string().max(100).optional() });

/** Bounds what a user-supplied folder can cost at start (each prompt is embedded once per embedder). */
export const MAX_BACKGROUND_PROMPTS = 5000;
const META_KEY = 'background_vectors';
const CachedVectors = z.object({ embedder: z.string(), hash: z.string(), dims: z.number().int().positive(), data: z.string() });

/** Reads every background file in `dir`; bad lines are skipped with a warning. A missing folder is an empty set. */
export function loadBackgroundPrompts(dir: string, logger: Logger): string[] {
  if (!existsSync(dir)) return [];
  const prompts: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '' || prompts.length >= MAX_BACKGROUND_PROMPTS) return;
      const parsed = parseLine(line);
      if (parsed) prompts.push(parsed);
      else logger.warn({ file, line: i + 1 }, 'skipped a background prompt line that is not {"prompt": "..."}');
    });
  }
  return prompts;
}

function parseLine(line: string): string | null {
  try {
    const parsed = BackgroundLine.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data.prompt : null;
  } catch {
    return null;
  }
}

export interface BackgroundDeps {
  readonly embedder: Embedder;
  readonly meta: MetaStore;
  readonly logger: Logger;
  /** Prompts embedded (done, total): 0 of N before, N of N after; 0 of 0 when nothing needs embedding. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The background set's vectors under `embedder`: read from meta when the embedder and the prompts
 * are the ones cached, else embedded now (start-up only, never on a request) and cached.
 */
export async function loadBackgroundSet(deps: BackgroundDeps, dir: string): Promise<BackgroundSet> {
  const prompts = loadBackgroundPrompts(dir, deps.logger);
  const hash = createHash('sha256').update(JSON.stringify(prompts)).digest('hex');
  const embedder = fingerprintKey(deps.embedder.fingerprint);
  const dims = deps.embedder.fingerprint.dims;
  const cached = readCached(deps.meta.get(META_KEY), { embedder, hash, dims, count: prompts.length });
  if (cached || prompts.length === 0) {
    deps.onProgress?.(0, 0);
    return { hash, prompts: prompts.length, vectors: cached ?? [] };
  }
  deps.logger.info({ prompts: prompts.length, dir }, 'embedding the background set for coverage calibration (once per embedder)');
  deps.onProgress?.(0, prompts.length);
  const vectors = await deps.embedder.embed(prompts);
  deps.onProgress?.(prompts.length, prompts.length);
  deps.meta.set(META_KEY, JSON.stringify({ embedder, hash, dims, data: encode(vectors, dims) }));
  return { hash, prompts: prompts.length, vectors };
}

function readCached(raw: string | undefined, want: { embedder: string; hash: string; dims: number; count: number }): Float32Array[] | null {
  if (raw === undefined) return null;
  try {
    const parsed = CachedVectors.safeParse(JSON.parse(raw));
    if (!parsed.success || parsed.data.embedder !== want.embedder || parsed.data.hash !== want.hash || parsed.data.dims !== want.dims) return null;
    const vectors = decode(parsed.data.data, want.dims);
    return vectors.length === want.count ? vectors : null;
  } catch {
    return null;
  }
}

function encode(vectors: readonly Float32Array[], dims: number): string {
  const all = new Float32Array(vectors.length * dims);
  vectors.forEach((v, i) => all.set(v, i * dims));
  return Buffer.from(all.buffer).toString('base64');
}

function decode(data: string, dims: number): Float32Array[] {
  const bytes = Buffer.from(data, 'base64');
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out: Float32Array[] = [];
  for (let at = 0; at + dims <= all.length; at += dims) out.push(all.slice(at, at + dims));
  return out;
}
