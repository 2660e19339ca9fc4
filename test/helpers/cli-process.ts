import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, TEST_CONFIG_FILE } from './test-deps.js';

/** One run of `tsx src/cli/main.ts …` in its own process, with its output collected as it arrives. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Resolves with the first match of `pattern` in stdout + stderr, or in `stream` from character
   * `from` on when given; rejects if the process ends first.
   */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', from?: number): Promise<RegExpExecArray>;
}

/**
 * Spawns the real CLI with only the given environment (plus PATH), from the project root. Node runs
 * it with tsx as a loader, in one process: the `tsx` command would start the CLI in a second
 * process, and a SIGKILL sent to the first would leave the real one running.
 */
export function spawnCli(args: readonly string[], env: Readonly<Record<string, string>>): CliProcess {
  return spawnCommand(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/main.ts'), ...args], env);
}

/**
 * Any command from the project root (npm start, node dist/…, a script), with only `env` (plus PATH
 * and HOME). ROUTER_CONFIG defaults to the test copy of the shipped config, so the CLI never falls
 * back to ./router.config.yaml, the file users edit.
 */
export function spawnCommand(file: string, args: readonly string[], env: Readonly<Record<string, string>>): CliProcess {
  const child = spawn(file, [...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ROUTER_CONFIG: TEST_CONFIG_FILE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let closed = false;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout?.on('data', (d: Buffer) => {
    out += String(d);
    notify();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += String(d);
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close' comes after the output pipes are drained, so nothing written before death is missed.
    child.once('close', (code, signal) => {
      closed = true;
      notify();
      resolve({ code, signal });
    });
  });
  const waitFor = (pattern: RegExp, stream?: 'stdout' | 'stderr', from = 0) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stream === undefined ? `${out}\n${err}` : (stream === 'stdout' ? out : err).slice(from));
        if (match) {
          listeners.delete(check);
          resolve(match);
        } else if (closed) {
          listeners.delete(check);
          reject(new Error(`process exited (${child.exitCode ?? child.signalCode}) before ${pattern}: ${err.slice(-800)}`));
        }
      };
      listeners.add(check);
      check();
    });
  return { child, stdout: () => out, stderr: () => err, exited, waitFor };
}

/** Starts `serve` and resolves with its URL once it listens (PORT=0 picks a free port). */
export async function startService(env: Readonly<Record<string, string>>): Promise<CliProcess & { url: string }> {
  const proc = spawnCli(['serve'], { PORT: '0', ROUTER_LOG__LEVEL: 'info', ...env });
  const match = await proc.waitFor(/"url":"(http:\/\/[^"]+)"/);
  return Object.assign(proc, { url: match[1] ?? '' });
}
