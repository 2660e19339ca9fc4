// Soak: the real service in its own process on a temp data dir (lexical embedder, loopback only),
// mixed route and outcome traffic from autocannon in another process for several minutes, a rebuild
// of the index every so often while a probe checks that a known prompt still routes correctly, and
// the service's RSS sampled throughout. Exits non-zero when any bound is broken (see --help).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/store/db.js';
import { LoadSummarySchema, type LoadPlan, type LoadSummary } from './soak/plan.js';
import { ProbeAnswerSchema, routeExplained, startProbes, type KnownPrompt } from './soak/probe.js';
import { machineLine, percentile, render, verdict, type Bounds, type RssFigures } from './soak/report.js';
import { errorLogLines, rssMiB, startSoakService } from './soak/service.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `Usage: npm run soak -- [options]

Starts the service (src/cli/main.ts serve) in its own process on a temp data dir with the lexical
embedder (or --embedder use-lite: USE Lite on the embedding pool's worker threads), seeds the bundled
reference sets, and sends mixed POST /v1/route and POST /v1/outcomes
traffic from autocannon in a second process, over loopback only, for --minutes. Meanwhile it calls
POST /v1/admin/rebuild every --rebuild-every-s seconds, routes a known reference prompt every
--probe-every-ms ms (its own reference must come first, with its intent), and samples the service's
RSS (VmRSS) every --sample-every-s seconds. Prints requests, errors and latency per kind, RSS, probe
and rebuild figures and the machine, and exits 1 when there is any error, a p99 over the bound, RSS
growth after the warm-up over the bound, a probe mismatch, a failed rebuild or a lost outcome.

Options:
  --minutes <n>               how long the load runs (default 5)
  --embedder <name>           lexical (default) or use-lite
  --connections <n>           autocannon connections in all, a quarter of them for outcomes (default 16)
  --p99-bound-ms <n>          p99 latency bound per kind (default 500: the quiet p99 is 100-140 ms at
                              16 connections on a 2-core machine, and a rebuild of the bundled index
                              holds the service's event loop for about 0.4 s; a request queued behind
                              one still fits, a stall twice as long or a 4x general slowdown does not)
  --rss-growth-bound-mib <n>  RSS growth allowed, median of the last window (a fifth of the run, at
                              most 60 s) minus median of the window after the warm-up (default 64:
                              at ~450 requests/s for 5 minutes it catches a leak of ~500 bytes per
                              request; what may grow legitimately, 120 learned references and
                              SQLite's 2 MiB page cache, is far below it)
  --rebuild-every-s <n>       seconds between rebuilds (default 30)
  --probe-every-ms <n>        pause between probes of the known prompt (default 500)
  --sample-every-s <n>        seconds between RSS samples (default 5)
  -h, --help                  show this help
`;

function options() {
  const { values } = parseScriptArgs({
    options: {
      minutes: { type: 'string', default: '5' },
      embedder: { type: 'string', default: 'lexical' },
      connections: { type: 'string', default: '16' },
      'p99-bound-ms': { type: 'string', default: '500' },
      'rss-growth-bound-mib': { type: 'string', default: '64' },
      'rebuild-every-s': { type: 'string', default: '30' },
      'probe-every-ms': { type: 'string', default: '500' },
      'sample-every-s': { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const num = (name: keyof typeof values, min: number) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${String(values[name])}`);
    return n;
  };
  if (values.help) return undefined;
  const embedder: 'lexical' | 'use-lite' = values.embedder === 'use-lite' ? 'use-lite' : 'lexical';
  if (values.embedder !== embedder) throw new Error(`--embedder must be lexical or use-lite, got ${values.embedder}`);
  return {
    embedder,
    seconds: Math.round(num('minutes', 0.1) * 60),
    connections: Math.round(num('connections', 2)),
    bounds: { p99Ms: num('p99-bound-ms', 1), rssGrowthMiB: num('rss-growth-bound-mib', 0) } satisfies Bounds,
    rebuildEveryS: num('rebuild-every-s', 1),
    probeEveryMs: num('probe-every-ms', 10),
    sampleEveryS: num('sample-every-s', 1),
  };
}

/** The bundled reference prompts, read at run time. */
function referencePrompts(): { prompt: string; intent: string }[] {
  const dir = path.join(ROOT, 'reference-prompts');
  return ['coding', 'business', 'language', 'reasoning'].flatMap((set) =>
    readFileSync(path.join(dir, `${set}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { prompt: string; intent: string }),
  );
}

/** Routes: references reworded three ways, and one in eight far from every reference. */
function routePrompts(refs: readonly { prompt: string }[]): string[] {
  const out = refs.flatMap((r, i) => [`Quick question: ${r.prompt}`, `${r.prompt} Keep it short.`, `Could you help? ${r.prompt.toLowerCase()}`].slice(0, 1 + (i % 3)));
  const far = Array.from({ length: Math.ceil(out.length / 8) }, (_, i) => `zorblat ${i} quindle vexo ${i * 7} frumious bandersnatch`);
  return out.flatMap((p, i) => (i % 7 === 0 && far[i / 7] !== undefined ? [p, far[i / 7] ?? ''] : [p]));
}

async function knownPrompt(url: string, ref: { prompt: string; intent: string }): Promise<KnownPrompt> {
  const { status, body } = await routeExplained(url, ref.prompt);
  const top = ProbeAnswerSchema.parse(body).neighbors[0];
  if (status !== 200 || !top || top.text !== ref.prompt) throw new Error(`the known prompt does not route to its own reference: ${JSON.stringify(body)}`);
  return { prompt: ref.prompt, intent: ref.intent, referenceId: top.id };
}

async function runLoad(plan: LoadPlan, dir: string): Promise<LoadSummary> {
  const file = path.join(dir, 'plan.json');
  writeFileSync(file, JSON.stringify(plan));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/soak/load.ts'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  const deadline = setTimeout(() => child.kill('SIGKILL'), (plan.seconds + 120) * 1000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(deadline);
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  return LoadSummarySchema.parse(JSON.parse(out));
}

/**
 * Samples VmRSS every `everyS`. Growth compares the median of the samples in the window right after
 * the warm-up with the median of the last window: single samples swing with garbage collection.
 */
function sampleRss(pid: number, everyS: number, warmupS: number, windowS: number) {
  const samples: { at: number; mib: number }[] = [];
  const start = Date.now();
  const take = () => {
    const mib = rssMiB(pid);
    if (mib !== null) samples.push({ at: (Date.now() - start) / 1000, mib });
  };
  take();
  const timer = setInterval(take, everyS * 1000);
  return {
    stop(): RssFigures {
      clearInterval(timer);
      take();
      const last = samples.at(-1)?.at ?? 0;
      const median = (from: number, to: number) => percentile(samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.mib), 50);
      return {
        beforeLoad: samples[0]?.mib ?? 0,
        end: samples.at(-1)?.mib ?? 0,
        max: Math.max(...samples.map((s) => s.mib)),
        afterWarmup: median(warmupS, warmupS + windowS),
        lastWindow: median(last - windowS, last),
        windowS,
        samples: samples.length,
      };
    },
  };
}

async function main(): Promise<number> {
  const opts = options();
  if (!opts) {
    process.stdout.write(HELP);
    return 0;
  }
  console.log(`soak: ${opts.embedder} embedder, ${opts.seconds} s, ${opts.connections} connections, rebuild every ${opts.rebuildEveryS} s; machine ${machineLine()}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'semroute-soak-'));
  const adminToken = `soak-${process.pid}-${Date.now()}-admin`;
  const started = performance.now();
  const service = await startSoakService(ROOT, dir, adminToken, opts.embedder);
  try {
    console.log(`service pid ${service.pid} at ${service.url}, seeded and listening after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const refs = referencePrompts();
    const known = await knownPrompt(service.url, refs[0] ?? { prompt: '', intent: '' });
    // The catalog models only: /v1/models also lists the router strategies (router, router:quality, …).
    const listed = (await (await fetch(`${service.url}/v1/models`)).json()) as { data: { id: string; semroute?: { kind?: string } }[] };
    const models = listed.data.filter((m) => m.semroute?.kind === 'catalog').map((m) => m.id);
    const decisionIds: string[] = [];
    for (const prompt of routePrompts(refs).slice(0, 300)) decisionIds.push(((await (await fetch(`${service.url}/v1/route`, { method: 'POST', body: JSON.stringify({ prompt }), headers: { 'content-type': 'application/json' } })).json()) as { decisionId: string }).decisionId);
    const outcomeConnections = Math.max(1, Math.round(opts.connections / 4));
    const plan: LoadPlan = {
      url: service.url,
      seconds: opts.seconds,
      routeConnections: opts.connections - outcomeConnections,
      outcomeConnections,
      routePrompts: routePrompts(refs),
      outcomePrompts: Array.from({ length: 120 }, (_, i) => `How should a small team plan release number ${i} when two senior engineers are away?`),
      decisionIds,
      models,
      keyPrefix: `soak-${process.pid}-`,
    };
    // Warm-up: JIT, SQLite's page cache and the learned references settle in the first minute.
    const rss = sampleRss(service.pid, opts.sampleEveryS, Math.min(60, opts.seconds / 5), Math.min(60, opts.seconds / 5));
    const probes = startProbes({ url: service.url, known, catalog: new Set(models), adminToken, probeEveryMs: opts.probeEveryMs, rebuildEveryS: opts.rebuildEveryS });
    const load = await runLoad(plan, dir);
    const { probe, rebuild } = await probes.stop();
    const rssFigures = rss.stop();
    const serviceExit = await service.stop();
    const db = openDatabase(path.join(dir, 'router.sqlite'));
    const storedOutcomes = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outcomes WHERE idempotency_key LIKE ?').get(`${plan.keyPrefix}%`)?.n ?? 0;
    db.close();
    const figures = { load, probe, rebuild, rss: rssFigures, acknowledgedOutcomes: load.outcome.ok, storedOutcomes, errorLogLines: (await errorLogLines(service.logFile)).length, serviceExit };
    console.log(render(figures, opts.seconds, opts.bounds));
    const failures = verdict(figures, opts.bounds);
    console.log(failures.length === 0 ? 'PASS' : `FAIL\n  ${failures.join('\n  ')}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    if (service.child.exitCode === null && service.child.signalCode === null) await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 2;
  },
);
