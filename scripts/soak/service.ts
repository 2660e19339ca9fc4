import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createReadStream, openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';

export interface SoakService {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** The service's stdout and stderr (pino JSON lines). */
  readonly logFile: string;
  /** SIGTERM, then wait for the graceful exit; resolves with the exit code or signal. */
  stop(): Promise<string>;
}

/**
 * The real service (`src/cli/main.ts serve`) in its own process: node with tsx as a loader, so the
 * child's pid is the service's (its RSS, embedding workers included, is what gets sampled). Lexical or use-lite embedder, loopback, a free
 * port, its log going to a file in the data dir.
 */
export async function startSoakService(root: string, dataDir: string, adminToken: string, embedder: 'lexical' | 'use-lite' = 'lexical'): Promise<SoakService> {
  const logFile = path.join(dataDir, 'service.log');
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'serve'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: '0',
      ROUTER_DATA_DIR: dataDir,
      ROUTER_EMBEDDING__BACKEND: embedder,
      ROUTER_SERVER__HOST: '127.0.0.1',
      ROUTER_ADMIN_TOKEN: adminToken,
      ROUTER_LOG__LEVEL: 'info',
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  // USE Lite seeds the bundled sets in ~45 s on 2 busy cores, several times that at load 30.
  const url = await waitForUrl(child, logFile, embedder === 'use-lite' ? 600_000 : 120_000);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  return {
    child,
    pid: child.pid ?? 0,
    url,
    logFile,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

async function waitForUrl(child: ChildProcess, logFile: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}) before listening; see ${logFile}`);
    const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(readFileSync(logFile, 'utf8'));
    if (match?.[1]) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not listen within ${timeoutMs / 1000} s; see ${logFile}`);
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (Linux), or null once it is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Log lines at error level or above (pino: 50 error, 60 fatal), read line by line: the log is large. */
export async function errorLogLines(logFile: string): Promise<string[]> {
  const found: string[] = [];
  for await (const line of createInterface({ input: createReadStream(logFile) })) if (/"level":(5|6)\d/.test(line)) found.push(line);
  return found;
}
