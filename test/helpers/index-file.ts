import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HnswIndex } from '../../src/index/hnsw-index.js';
import type { Db } from '../../src/store/db.js';

export type IndexFileState = 'missing' | 'current' | 'stale' | 'unreadable';

/**
 * The index file of a data dir as the next start will find it: current (loaded as is), stale (valid
 * but for another generation of the references) or unreadable (both rebuilt from SQLite), or missing.
 */
export function indexFileState(dataDir: string, db: Db): IndexFileState {
  const file = path.join(dataDir, 'index.hnsw');
  if (!existsSync(file)) return 'missing';
  let sidecar: { dims: number; fingerprint: string; count: number };
  try {
    sidecar = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as typeof sidecar;
  } catch {
    return 'unreadable';
  }
  // Loaded against its own sidecar: this checks the file's integrity, not whether it is up to date.
  if (!HnswIndex.load(file, sidecar).ok) return 'unreadable';
  const generation = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'reference_generation'").get()?.value ?? '0';
  const withVectors = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM reference_prompts WHERE vector IS NOT NULL').get()?.n;
  return sidecar.fingerprint.endsWith(`|gen=${generation}`) && sidecar.count === withVectors ? 'current' : 'stale';
}
