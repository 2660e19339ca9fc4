import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { dataPaths, type Deps } from '../../src/cli/bootstrap.js';
import { ROOT } from './fixtures.js';

const ProbeResult = z.object({
  references: z.number(),
  openSeconds: z.number(),
  loadedFromFile: z.boolean(),
  rss: z.number(),
  heapUsed: z.number(),
  external: z.number(),
  arrayBuffers: z.number(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export interface MemoryResult extends ProbeResult {
  readonly sqliteBytes: number;
  readonly indexBytes: number;
}

/** Opens `dataDir` in a fresh process (see memory-probe.ts) and reports what that process holds. */
export async function probe(dataDir: string, queries = 1000): Promise<ProbeResult> {
  const script = path.join(ROOT, 'scripts/bench/memory-probe.ts');
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', script, dataDir, String(queries)], { cwd: ROOT, maxBuffer: 2 ** 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`memory probe failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
  const last = out.trim().split('\n').at(-1) ?? '';
  return ProbeResult.parse(JSON.parse(last));
}

/** The baseline: a process that opened an empty store (no references), same code and config. */
export async function probeEmpty(): Promise<ProbeResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'semroute-bench-empty-'));
  try {
    return await probe(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureMemory(deps: Deps): Promise<MemoryResult> {
  const paths = dataPaths(deps.config);
  const result = await probe(deps.config.dataDir);
  const fileBytes = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  return { ...result, sqliteBytes: fileBytes(paths.db) + fileBytes(`${paths.db}-wal`), indexBytes: fileBytes(paths.index) };
}
