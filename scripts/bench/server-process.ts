import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A checkout of semroute to serve from: the working tree, or an older commit's worktree. */
export interface Tree {
  readonly label: string;
  readonly dir: string;
}

/** A `serve` process of one tree, on loopback, with its own data dir. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  readonly startSeconds: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

/**
 * Starts `src/cli/main.ts serve` of `tree` in a process of its own (node --import tsx, so the pid is
 * the server's), seeding the bundled reference sets into a fresh data dir, and waits until /readyz
 * answers 200. `env` holds the ROUTER_* settings (backend, model folder).
 */
export async function startServer(tree: Tree, env: Record<string, string>, readyTimeoutSeconds = 600): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-bench-serve-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: tree.dir,
    env: { ...process.env, ...env, PORT: String(port), ROUTER_DATA_DIR: dataDir, ROUTER_LOG__LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const start = performance.now();
  try {
    await waitReady(url, child, readyTimeoutSeconds);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${tree.label} server did not become ready: ${String(error)}\n${stderr}`);
  }
  const startSeconds = (performance.now() - start) / 1000;
  return {
    url,
    pid: child.pid ?? -1,
    startSeconds,
    stop: async () => {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, child: ChildProcess, timeoutSeconds: number): Promise<void> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${timeoutSeconds} s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in bytes (Linux /proc), or null where /proc is missing. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
