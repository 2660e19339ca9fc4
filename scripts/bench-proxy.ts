/**
 * The front door's added latency. Every part runs in its own process, on loopback: the fake
 * upstream (scripts/fake-upstream-server.ts), the service (`src/cli/main.ts serve`, lexical
 * embedder, the shipped catalog pointed at the fake), and the load (autocannon, then a sequential
 * probe with microsecond timing, since autocannon reports whole milliseconds). With `--baseline
 * <dir>` the service of another checkout (e.g. the code before a change) is measured in the same
 * run, rounds alternating, so both see the same machine load.
 * Usage: npm run bench:proxy -- [--seconds 10] [--connections 1,16] [--requests 2000] [--rounds 3] [--baseline /work/wt/baseline]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../src/config/load.js';
import { machineLine } from './bench-lib.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const { values } = parseScriptArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,16' },
    requests: { type: 'string', default: '2000' },
    dims: { type: 'string', default: '1024' },
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('npm run bench:proxy -- [--seconds 10] [--connections 1,16] [--requests 2000] [--rounds 3] [--dims 1024] [--baseline <checkout dir>]');
  process.exit(0);
}

const Result = z.object({ requests: z.object({ average: z.number() }), latency: z.object({ p50: z.number(), p99: z.number(), average: z.number() }), non2xx: z.number(), errors: z.number() });
type Load = z.infer<typeof Result>;
const Probe = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), mean: z.number() });
type ProbeResult = z.infer<typeof Probe>;

function load(url: string, body: string, connections: string): Promise<Load> {
  const args = ['-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-c', connections, '-d', values.seconds, '-j', url];
  return new Promise((resolve, reject) =>
    execFile('node_modules/.bin/autocannon', args, { maxBuffer: 2 ** 24 }, (error, stdout) => (error ? reject(error) : resolve(Result.parse(JSON.parse(stdout))))),
  );
}

/** `requests` requests one after another on one keep-alive connection (node:http, own process), timed in microseconds. */
const PROBE = `
const http = require('node:http');
const [url, body, n] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const once = () => new Promise((resolve, reject) => {
  const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('status ' + res.statusCode))));
  });
  req.on('error', reject);
  req.end(body);
});
(async () => {
  for (let i = 0; i < 200; i++) await once();
  const ms = [];
  for (let i = 0; i < n; i++) { const t = process.hrtime.bigint(); await once(); ms.push(Number(process.hrtime.bigint() - t) / 1e6); }
  ms.sort((a, b) => a - b);
  const at = (p) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))];
  process.stdout.write(JSON.stringify({ p50: at(50), p90: at(90), p99: at(99), mean: ms.reduce((s, x) => s + x, 0) / ms.length }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function probe(url: string, body: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', PROBE, url, body, values.requests], { maxBuffer: 2 ** 20 }, (error, stdout) => (error ? reject(error) : resolve(Probe.parse(JSON.parse(stdout))))),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function until(ready: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready in 150 s`);
}

/** The service of the checkout at `root`, in its own process, with its own data dir. */
async function startService(root: string, configFile: string): Promise<{ url: string; child: ChildProcess; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-proxy-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), ROUTER_CONFIG: configFile, ROUTER_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${url}/readyz`)).ok, `the service in ${root}`);
  return { url, child, dataDir };
}

const upstream = spawn(process.execPath, ['--import', 'tsx', 'scripts/fake-upstream-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
const upstreamBase = await new Promise<string>((resolve) => upstream.stdout.once('data', (d: Buffer) => resolve(String(d).trim())));
const base = loadConfig({ env: {}, file: 'router.config.yaml', overrides: { log: { level: 'silent' } } });
const configDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-proxy-bench-config-'));
const configFile = path.join(configDir, 'router.json');
writeFileSync(
  configFile,
  JSON.stringify({
    catalog: base.catalog.map(({ upstream: _none, ...m }) => ({ ...m, upstream: { baseUrl: upstreamBase, timeoutMs: 10_000 } })),
    routing: { defaultModel: base.routing.defaultModel },
    embedding: { backend: 'lexical', lexicalDims: Number(values.dims) },
    log: { level: 'warn' },
  }),
);

const services: { name: string; url: string; child: ChildProcess; dataDir: string }[] = [{ name: 'this checkout', ...(await startService(process.cwd(), configFile)) }];
if (values.baseline) services.unshift({ name: `baseline (${path.basename(values.baseline)})`, ...(await startService(values.baseline, configFile)) });

const messages = [{ role: 'user', content: 'Write a Python function that merges two sorted lists' }];
const directBody = JSON.stringify({ model: 'fake', messages });
const proxiedBody = JSON.stringify({ model: 'router', messages });
console.log(machineLine());
console.log(`autocannon ${values.seconds} s per row; sequential probe ${values.requests} requests; lexical embedder, ${values.dims} dims; services: ${services.map((s) => s.name).join(', ')}`);

const ms = (x: number) => x.toFixed(2);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const rounds = Number(values.rounds);
/** Each round measures the upstream directly, then every service; the services' order alternates. */
const orderOf = (round: number) => (round % 2 === 0 ? services : [...services].reverse());

for (const connections of values.connections.split(',')) {
  const rows = new Map<string, Load[]>();
  for (let round = 0; round < rounds; round++) {
    rows.set('direct', [...(rows.get('direct') ?? []), await load(`${upstreamBase}/chat/completions`, directBody, connections)]);
    for (const s of orderOf(round)) rows.set(s.name, [...(rows.get(s.name) ?? []), await load(`${s.url}/v1/chat/completions`, proxiedBody, connections)]);
  }
  const direct = rows.get('direct') ?? [];
  const [dRps, dP50, dP99] = [median(direct.map((r) => r.requests.average)), median(direct.map((r) => r.latency.p50)), median(direct.map((r) => r.latency.p99))];
  console.log(`\n${connections} connection(s), median of ${rounds} rounds | req/s | p50 ms | p99 ms | added p50 | added p99 | throughput vs direct | errors`);
  console.log(`upstream directly | ${dRps.toFixed(0)} | ${dP50} | ${dP99} | | | | ${direct.reduce((n, r) => n + r.non2xx + r.errors, 0)}`);
  for (const s of services) {
    const r = rows.get(s.name) ?? [];
    const [rps, p50, p99] = [median(r.map((x) => x.requests.average)), median(r.map((x) => x.latency.p50)), median(r.map((x) => x.latency.p99))];
    console.log(`${s.name} | ${rps.toFixed(0)} | ${p50} | ${p99} | +${p50 - dP50} | +${p99 - dP99} | ${((rps / dRps) * 100).toFixed(1)}% | ${r.reduce((n, x) => n + x.non2xx + x.errors, 0)}`);
  }
}

const probes = new Map<string, ProbeResult[]>();
for (let round = 0; round < rounds; round++) {
  probes.set('direct', [...(probes.get('direct') ?? []), await probe(`${upstreamBase}/chat/completions`, directBody)]);
  for (const s of orderOf(round)) probes.set(s.name, [...(probes.get(s.name) ?? []), await probe(`${s.url}/v1/chat/completions`, proxiedBody)]);
}
const seq = (name: string) => {
  const r = probes.get(name) ?? [];
  return { p50: median(r.map((x) => x.p50)), p90: median(r.map((x) => x.p90)), p99: median(r.map((x) => x.p99)), all: r.map((x) => ms(x.p50)).join(' / ') };
};
const directSeq = seq('direct');
console.log(`\nsequential probe (1 keep-alive connection, microsecond timing), median of ${rounds} rounds | p50 ms | p90 ms | p99 ms | added p50 | added p99 | p50 per round`);
console.log(`upstream directly | ${ms(directSeq.p50)} | ${ms(directSeq.p90)} | ${ms(directSeq.p99)} | | | ${directSeq.all}`);
for (const s of services) {
  const r = seq(s.name);
  console.log(`${s.name} | ${ms(r.p50)} | ${ms(r.p90)} | ${ms(r.p99)} | +${ms(r.p50 - directSeq.p50)} | +${ms(r.p99 - directSeq.p99)} | ${r.all}`);
}
console.log(machineLine());

for (const s of services) {
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('close', r));
  rmSync(s.dataDir, { recursive: true, force: true });
}
upstream.kill('SIGTERM');
rmSync(configDir, { recursive: true, force: true });
