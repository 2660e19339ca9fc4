import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError as AppErrorBySubpath } from '#src/shared/errors.js';
import { AppError } from '../../src/shared/errors.js';
import { spawnCli, spawnCommand, type CliProcess } from '../helpers/cli-process.js';
import { BIG_SMALL_CATALOG } from '../helpers/lexical-deps.js';
import { FIXTURE_MODELS, PROJECT_ROOT, TINY_MODEL_ID, tempDir } from '../helpers/test-deps.js';

/*
 * The production entry point, through real processes: `npm run build` compiles dist/, `npm start`
 * runs `node dist/cli/main.js serve`, and signals sent to the PID npm start returns reach it.
 */

const running: CliProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const f of cleanups.splice(0)) f();
});

/** A config over the small fixture sets, embedding with the real tiny transformers model (worker threads). */
function serviceEnv(): Record<string, string> {
  const { dir, cleanup } = tempDir('semroute-entry-');
  cleanups.push(cleanup);
  const configFile = path.join(dir, 'router.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      referenceDir: path.join(PROJECT_ROOT, 'test/fixtures/reference-sets'),
      catalog: BIG_SMALL_CATALOG,
      routing: { defaultModel: 'big', costWeight: 0.1 },
      embedding: { backend: 'transformers', modelId: TINY_MODEL_ID, localModelPath: FIXTURE_MODELS, allowRemote: false, dtype: 'fp32' },
    }),
  );
  return { ROUTER_CONFIG: configFile, ROUTER_DATA_DIR: path.join(dir, 'data'), ROUTER_LOG__LEVEL: 'info', PORT: '0' };
}

async function listening(proc: CliProcess): Promise<{ url: string; pid: number }> {
  const match = await proc.waitFor(/"url":"(http:\/\/[^"]+)","pid":(\d+)/);
  return { url: match[1] ?? '', pid: Number(match[2]) };
}

/** True while the process runs: an exited one that an orphan's new parent has not reaped yet (a zombie, where PID 1 does not reap) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

const route = (url: string) => fetch(`${url}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'Write a Python function that reverses a list' }) });

describe('npm start runs the compiled service', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
  }, 300_000);

  it('builds dist/ with the migrations, the embedding and fit workers and a package.json that maps #src to it', () => {
    for (const file of ['cli/main.js', 'embedding/embed-worker.js', 'cli/fit-worker.js', 'store/migrations/001_init.sql', 'package.json']) expect(existsSync(path.join(PROJECT_ROOT, 'dist', file)), file).toBe(true);
  });

  it('serves a route from dist/ and, on SIGTERM to the PID npm start returns, drains and exits 0 with no orphan', async () => {
    const npm = spawnCommand('npm', ['start'], serviceEnv());
    running.push(npm);
    const { url, pid } = await listening(npm);
    expect(npm.stdout()).toContain('node --enable-source-maps dist/cli/main.js serve');
    expect((await route(url)).status).toBe(200);
    // The server is npm's own child: no shell or tsx in between to swallow the signal.
    expect(pid).not.toBe(npm.child.pid);
    npm.child.kill('SIGTERM');
    const exit = await npm.exited;
    expect(exit, npm.stderr().slice(-2000)).toEqual({ code: 0, signal: null });
    expect(npm.stderr()).toMatch(/"drained":true,"msg":"stopped/);
    expect(alive(pid)).toBe(false);
  }, 120_000);

  it('stops the server, freeing its port, when SIGHUP ends npm start (npm does not forward it)', async () => {
    const npm = spawnCommand('npm', ['start'], serviceEnv());
    running.push(npm);
    const { url, pid } = await listening(npm);
    npm.child.kill('SIGHUP');
    // 'close' waits for every holder of npm's output pipes, the server included.
    await npm.exited;
    expect(alive(pid)).toBe(false);
    expect(npm.stderr()).toMatch(/the npm process that started the server has exited; stopping as on SIGTERM/);
    expect(npm.stderr()).toMatch(/"drained":true,"msg":"stopped/);
    const port = Number(new URL(url).port);
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => probe.close(resolve));
  }, 120_000);

  it('reloads the config on SIGHUP to the node process and keeps serving', async () => {
    const proc = spawnCommand(process.execPath, ['dist/cli/main.js', 'serve'], serviceEnv());
    running.push(proc);
    const { url, pid } = await listening(proc);
    expect(pid).toBe(proc.child.pid);
    // README: the `listening` line carries the pid too (it comes before start-up is done).
    expect(proc.stderr()).toMatch(new RegExp(`"listen":"[^"]+","pid":${pid},"msg":"listening`));
    const before = proc.stderr().length;
    proc.child.kill('SIGHUP');
    await proc.waitFor(/config reloaded/, 'stderr', before);
    expect((await route(url)).status).toBe(200);
    proc.child.kill('SIGTERM');
    // The signal too: CI once saw this end by a signal (code null), from process.exit() racing the
    // embedding workers' teardown; close() now waits for them.
    expect(await proc.exited, proc.stderr().slice(-2000)).toEqual({ code: 0, signal: null });
    expect(proc.stderr()).toMatch(/"drained":true,"msg":"stopped/);
  }, 120_000);
});

describe('serve options', () => {
  let blocker: Server;
  let busyPort = 0;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    busyPort = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(() => void blocker.close());

  it('says which port is in use and exits 1', async () => {
    const proc = spawnCli(['serve', '--port', String(busyPort)], { ...serviceEnv(), ROUTER_EMBEDDING__BACKEND: 'lexical' });
    running.push(proc);
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr()).toContain(`error: port ${busyPort} is in use; set PORT`);
  }, 120_000);

  it('listens on --host and --port, which beat PORT', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const address = free.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise((resolve) => free.close(resolve));
    const proc = spawnCli(['serve', '--port', String(port), '--host', '127.0.0.1'], { ...serviceEnv(), ROUTER_EMBEDDING__BACKEND: 'lexical', PORT: '1' });
    running.push(proc);
    const { url } = await listening(proc);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  }, 120_000);

  it('prints --help without loading anything', async () => {
    const proc = spawnCli(['serve', '--help'], {});
    expect((await proc.exited).code).toBe(0);
    expect(proc.stdout()).toMatch(/--port <n>[\s\S]*--host <addr>[\s\S]*SIGHUP/);
  });
});

describe('every command line', () => {
  const commands: [string, string[]][] = [
    ['serve', ['--import', 'tsx', 'src/cli/main.ts', 'serve']],
    ['seed', ['--import', 'tsx', 'src/cli/main.ts', 'seed']],
    ['coverage', ['--import', 'tsx', 'src/cli/main.ts', 'coverage']],
    ...['bench', 'eval', 'eval-table', 'soak', 'compare-embedders', 'bench-proxy', 'generate-illustrative-records', 'coverage-experiment', 'make-tiny-model', 'make-bench-model', 'build', 'compare-budgets', 'pool-overhead', 'route-cpu', 'coverage-probes', 'language-check', 'fake-upstream-server'].map(
      (s): [string, string[]] => [s, ['--import', 'tsx', `scripts/${s}.ts`]],
    ),
  ];

  it.each(commands)('%s rejects an unknown option in one line, exit code 2', async (_name, args) => {
    const proc = spawnCommand(process.execPath, [...args, '--no-such-option'], {});
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr()).toBe("error: unknown option '--no-such-option'; see --help\n");
  }, 60_000);

  it('the fake upstream answers --help, and SIGTERM or SIGINT stop it with exit code 0', async () => {
    const script = ['--import', 'tsx', 'scripts/fake-upstream-server.ts'];
    const help = spawnCommand(process.execPath, [...script, '--help'], {});
    expect((await help.exited).code).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: node --import tsx scripts\/fake-upstream-server\.ts/);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const proc = spawnCommand(process.execPath, script, {});
      await proc.waitFor(/http:\/\/127\.0\.0\.1:\d+\/fake/, 'stdout');
      proc.child.kill(signal);
      expect(await proc.exited).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

describe('#src subpath imports', () => {
  it('resolve to the TypeScript sources under vitest (the same module as a relative import)', () => {
    expect(AppErrorBySubpath).toBe(AppError);
  });
});
