import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import { rebuildPathOf, removeStaleTempFiles, tempPathsOf } from './temp-files.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

describe('removeStaleTempFiles', () => {
  it('removes the temp files of processes that are gone, and keeps live ones and everything else', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'index.hnsw');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid ?? 0;
    const paths = [tempPathsOf(file, gone), tempPathsOf(file, process.pid), tempPathsOf(file, process.ppid)].flatMap((p) => [p.index, p.sidecar]);
    // A rebuild the fit worker saved (and its own save's temp files), for a gone and a live process.
    const rebuilds = [gone, process.pid].flatMap((pid) => {
      const out = rebuildPathOf(file, pid);
      return [out, `${out}.json`, tempPathsOf(out, pid).index, tempPathsOf(out, pid).sidecar];
    });
    for (const p of [...paths, ...rebuilds, file, `${file}.json`, path.join(dir, 'other.tmp-1')]) writeFileSync(p, 'x');
    expect(removeStaleTempFiles(file)).toBe(6);
    const liveRebuild = rebuildPathOf('index.hnsw', process.pid);
    expect(readdirSync(dir).sort()).toEqual(
      [
        'index.hnsw',
        'index.hnsw.json',
        'other.tmp-1',
        ...[process.pid, process.ppid].flatMap((pid) => [`index.hnsw.tmp-${pid}`, `index.hnsw.json.tmp-${pid}`]),
        ...[liveRebuild, `${liveRebuild}.json`, `${liveRebuild}.tmp-${process.pid}`, `${liveRebuild}.json.tmp-${process.pid}`],
      ].sort(),
    );
  });
});
