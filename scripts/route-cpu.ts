/**
 * CPU time per POST /v1/route, counted rather than timed: each tree (this checkout, and any
 * --baseline checkouts) runs in a process of its own with its own code, lexical embedder and the
 * bundled reference sets, and answers `--routes` in-process requests (app.request, `--concurrency`
 * at a time, a different prompt each) while process.cpuUsage() counts user + system time. Every
 * request yields to the event loop, so the write queue commits its decisions in timed groups as it
 * does when serving. Trees alternate for `--rounds`, so all see the same machine load; wall-clock
 * req/s swings with load on a shared machine, CPU per route much less.
 * Usage: npm run route-cpu -- [--baseline <dir>[,<dir>…]] [--routes 3000] [--concurrency 10] [--rounds 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseScriptArgs } from '../src/shared/command-line.js';
import { machineLine } from './bench-lib.js';

const HELP = `npm run route-cpu -- [options]

CPU microseconds per POST /v1/route (lexical embedder, in-process), each tree in its own process,
trees alternating. Run it under the bench lock: flock /work/wt/bench.lock nice -n 5 npm run route-cpu …

Options:
  --baseline <dirs>    comma-separated checkouts to compare with this one (each with node_modules)
  --routes <n>         measured requests per run (default 3000; 500 more warm up first)
  --concurrency <n>    requests in flight (default 10)
  --rounds <n>         runs per tree, alternating (default 3)
  --untuned            turn the leave-one-out fit off (routing.tune.enabled false): the configured k
  -h, --help           this help
`;

const { values } = parseScriptArgs({
  options: {
    baseline: { type: 'string' },
    routes: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    untuned: { type: 'boolean', default: false },
    child: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const PROMPTS = [
  'Write a Python function that merges two sorted lists',
  'What is the capital of Australia?',
  'Summarise this contract clause about termination for convenience',
  'how do i reset my online banking password',
  'Translate good morning into Spanish please',
  'Explain the difference between TCP and UDP in simple terms',
  'My card was charged twice for the same purchase, what should I do',
  'Prove that the square root of two is irrational',
];

interface RunResult {
  readonly cpuUsPerRoute: number;
  /** CPU in the write queue's group commits (decision inserts and their commits), per route. */
  readonly commitUsPerRoute: number;
  readonly k: number;
}

/** One tree, in this process: its own bootstrap, app and config, imported from its own files. */
async function child(tree: string): Promise<void> {
  const load = (file: string) => import(pathToFileURL(path.join(tree, file)).href) as Promise<Record<string, unknown>>;
  const boot = await load('src/cli/bootstrap.ts');
  const { createApp } = (await load('src/server/app.ts')) as { createApp: (deps: unknown) => { request: (p: string, i: RequestInit) => Promise<Response> } };
  const { loadConfig } = (await load('src/config/load.ts')) as { loadConfig: (o: unknown) => unknown };
  const { silentLogger } = (await load('src/shared/logger.ts')) as { silentLogger: () => unknown };
  const bootstrap = boot['bootstrap'] as (config: unknown, logger: unknown) => Promise<{ queue: { flush: () => void }; router: { k?: number }; close: () => void }>;
  const appDepsOf = boot['appDepsOf'] as (deps: unknown, logger: unknown) => unknown;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-route-cpu-'));
  const overrides = { dataDir, referenceDir: path.join(tree, 'reference-prompts'), log: { level: 'silent' }, seedOnEmpty: true, embedding: { backend: 'lexical' } };
  const configOf = (extra: object) => loadConfig({ env: {}, file: path.join(tree, 'router.config.yaml'), overrides: { ...overrides, ...extra } });
  let config: unknown;
  try {
    config = configOf(values.untuned ? { routing: { tune: { enabled: false } } } : {});
  } catch {
    // A checkout from before the fit has no routing.tune: it always routes on the configured k.
    config = configOf({});
  }
  const deps = await bootstrap(config, silentLogger());
  const app = createApp(appDepsOf(deps, silentLogger()));
  let commitUs = 0;
  const flush = deps.queue.flush.bind(deps.queue);
  deps.queue.flush = () => {
    const c0 = process.cpuUsage();
    flush();
    const c = process.cpuUsage(c0);
    commitUs += c.user + c.system;
  };
  let next = 0;
  const run = async (count: number) => {
    const end = next + count;
    const client = async () => {
      while (next < end) {
        const i = next++;
        const res = await app.request('/v1/route', { method: 'POST', body: JSON.stringify({ prompt: `${PROMPTS[i % PROMPTS.length] ?? ''} (${i})` }), headers: { 'content-type': 'application/json' } });
        await res.text();
        if (res.status !== 200) throw new Error(`POST /v1/route answered ${res.status}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: Number(values.concurrency) }, client));
  };
  const routes = Number(values.routes);
  await run(500);
  deps.queue.flush();
  commitUs = 0;
  const c0 = process.cpuUsage();
  await run(routes);
  deps.queue.flush();
  const c = process.cpuUsage(c0);
  const result: RunResult = { cpuUsPerRoute: (c.user + c.system) / routes, commitUsPerRoute: commitUs / routes, k: deps.router.k ?? 10 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  deps.close();
  rmSync(dataDir, { recursive: true, force: true });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function main(): void {
  const self = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const trees = [...(values.baseline?.split(',').filter(Boolean) ?? []), self].map((dir) => path.resolve(dir));
  const commitOf = (dir: string) => {
    try {
      return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return 'not a git checkout';
    }
  };
  process.stdout.write(`${machineLine()}\n`);
  const runs = new Map<string, RunResult[]>(trees.map((t) => [t, []]));
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const tree of trees) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', tree, '--routes', String(values.routes), '--concurrency', String(values.concurrency), ...(values.untuned ? ['--untuned'] : [])], { cwd: tree, stdio: ['ignore', 'pipe', 'inherit'] });
      const result = JSON.parse(out.toString().trim().split('\n').at(-1) ?? '{}') as RunResult;
      runs.get(tree)?.push(result);
      process.stdout.write(`  round ${round} ${path.basename(tree)}: ${result.cpuUsPerRoute.toFixed(0)} µs CPU per route (commits ${result.commitUsPerRoute.toFixed(0)})\n`);
    }
  }
  process.stdout.write(`\n| tree (commit) | k | CPU per route, median (range) | of it in group commits | ÷ first tree |\n|---|---|---|---|---|\n`);
  const first = median(runs.get(trees[0] ?? '')?.map((r) => r.cpuUsPerRoute) ?? []);
  for (const tree of trees) {
    const rs = runs.get(tree) ?? [];
    const cpu = rs.map((r) => r.cpuUsPerRoute);
    const mid = median(cpu);
    process.stdout.write(`| ${path.basename(tree)} (${commitOf(tree)}) | ${rs[0]?.k ?? ''} | ${mid.toFixed(0)} µs (${Math.min(...cpu).toFixed(0)}–${Math.max(...cpu).toFixed(0)}) | ${median(rs.map((r) => r.commitUsPerRoute)).toFixed(0)} µs | ${(mid / first).toFixed(2)}× |\n`);
  }
  process.stdout.write(`${machineLine()}\n`);
}

if (values.child) await child(values.child);
else main();
