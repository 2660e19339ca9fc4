import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Where a process writes an index and its sidecar before renaming them over `file`. */
export function tempPathsOf(file: string, pid = process.pid): { index: string; sidecar: string } {
  return { index: `${file}.tmp-${pid}`, sidecar: `${file}.json.tmp-${pid}` };
}

/**
 * Where the fit worker saves an index it built for this process (`<file>.rebuild-<pid>`, with its
 * sidecar and its own save's temp files beside it); the server loads it and renames it over `file`.
 */
export function rebuildPathOf(file: string, pid = process.pid): string {
  return `${file}.rebuild-${pid}`;
}

/**
 * Deletes the temp files of saves that a crash cut short: those of processes that no longer run.
 * Each is a full copy of the index, so they would otherwise pile up beside it, one per crash.
 * A live process's temp files (another command saving the same index) are left alone.
 */
export function removeStaleTempFiles(file: string): number {
  const dir = path.dirname(file);
  const prefix = path.basename(file);
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const match = /^(?:\.rebuild-(\d+)(?:\.json)?(?:\.tmp-\d+)?|(?:\.json)?\.tmp-(\d+))$/.exec(name.slice(prefix.length));
    const pid = match?.[1] ?? match?.[2];
    if (!name.startsWith(prefix) || pid === undefined || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    rmSync(path.join(dir, name), { force: true });
    removed += 1;
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
