/**
 * The front door's added latency: autocannon (its own process) against a fast fake upstream (its
 * own process) directly, then through POST /v1/chat/completions with model "router" (embedding,
 * routing, decision log, outcome recording included), in one run. Loopback only, bounded in time.
 * Usage: npm run bench:proxy [-- --seconds 15 --connections 16 --requests 2000 --dims 1024]
 */
import { serve } from '@hono/node-server';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { appDepsOf, bootstrap } from '../src/cli/bootstrap.js';
import { loadConfig } from '../src/config/load.js';
import { LexicalEmbedder } from '../src/embedding/lexical-embedder.js';
import { createApp } from '../src/server/app.js';
import { silentLogger } from '../src/shared/logger.js';
import { machineLine } from './bench-lib.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '16' },
    requests: { type: 'string', default: '2000' },
    /** Lexical buckets: 1024 as in BENCHMARKS.md; the service's lexical default is 512, USE Lite 512, MiniLM 384. */
    dims: { type: 'string', default: '1024' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('npm run bench:proxy -- [--seconds 15] [--connections 16] [--requests 2000] [--dims 1024]');
  process.exit(0);
}

const Result = z.object({ requests: z.object({ average: z.number(), total: z.number() }), latency: z.object({ p50: z.number(), p99: z.number(), average: z.number() }), non2xx: z.number(), errors: z.number() });

function load(url: string, body: string): Promise<z.infer<typeof Result>> {
  const args = ['-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-c', values.connections, '-d', values.seconds, '-j', url];
  return new Promise((resolve, reject) =>
    execFile('node_modules/.bin/autocannon', args, { maxBuffer: 2 ** 24 }, (error, stdout) => (error ? reject(error) : resolve(Result.parse(JSON.parse(stdout))))),
  );
}

/**
 * autocannon reports whole milliseconds (a sub-millisecond answer counts as 0 ms), too coarse for a
 * 2 ms target. This probe, in its own process too, sends `requests` requests one after another on
 * one keep-alive connection (node:http) and times each in microseconds.
 */
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
const Probe = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), mean: z.number() });

function probe(url: string, body: string): Promise<z.infer<typeof Probe>> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', PROBE, url, body, values.requests], { maxBuffer: 2 ** 20 }, (error, stdout) => (error ? reject(error) : resolve(Probe.parse(JSON.parse(stdout))))),
  );
}

const upstream = spawn('node_modules/.bin/tsx', ['scripts/fake-upstream-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
const upstreamPort = await new Promise<number>((resolve) => upstream.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
const upstreamUrl = `http://127.0.0.1:${upstreamPort}/v1`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-proxy-bench-'));
const base = loadConfig({ env: {}, file: 'router.config.yaml', overrides: { dataDir, log: { level: 'silent' } } });
const catalog = base.catalog.map((m) => ({ ...m, upstream: { baseUrl: upstreamUrl, timeoutMs: 10_000 } }));
const config = loadConfig({ env: {}, file: 'router.config.yaml', overrides: { dataDir, log: { level: 'silent' }, catalog } });
const deps = await bootstrap(config, silentLogger(), { embedder: new LexicalEmbedder({ dims: Number(values.dims) }) });
const server = serve({ fetch: createApp(appDepsOf(deps, silentLogger())).fetch, hostname: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
const address = server.address();
const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;

const messages = [{ role: 'user', content: 'Write a Python function that merges two sorted lists' }];
console.log(machineLine());
const { backend, modelId, dims } = deps.embedder.fingerprint;
console.log(`load: autocannon, ${values.connections} connections, ${values.seconds} s each, loopback; embedder ${backend} (${modelId}, ${dims} dims); ${deps.index.size} references`);
const direct = await load(`${upstreamUrl}/chat/completions`, JSON.stringify({ model: 'fake', messages }));
const proxied = await load(`${proxyUrl}/chat/completions`, JSON.stringify({ model: 'router', messages }));
// autocannon's latencies are whole milliseconds: see the sequential probe below for finer figures.
const row = (name: string, r: z.infer<typeof Result>) =>
  `${name.padEnd(22)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   mean ${r.latency.average.toFixed(2)} ms   errors ${r.non2xx + r.errors}`;
console.log(row('upstream directly', direct));
console.log(row('through the proxy', proxied));
console.log(`added latency: p50 ${proxied.latency.p50 - direct.latency.p50} ms, p99 ${proxied.latency.p99 - direct.latency.p99} ms, mean ${(proxied.latency.average - direct.latency.average).toFixed(2)} ms; throughput ${((proxied.requests.average / direct.requests.average) * 100).toFixed(0)}% of direct`);
const f = (ms: number) => ms.toFixed(3);
const directBody = JSON.stringify({ model: 'fake', messages });
const proxiedBody = JSON.stringify({ model: 'router', messages });
const directSeq = await probe(`${upstreamUrl}/chat/completions`, directBody);
const proxiedSeq = await probe(`${proxyUrl}/chat/completions`, proxiedBody);
const seqRow = (name: string, r: z.infer<typeof Probe>) => `${name.padEnd(22)} p50 ${f(r.p50)} ms   p90 ${f(r.p90)} ms   p99 ${f(r.p99)} ms   mean ${f(r.mean)} ms`;
console.log(`sequential probe: ${values.requests} requests one at a time on one keep-alive connection (node:http, own process), microsecond timing`);
console.log(seqRow('upstream directly', directSeq));
console.log(seqRow('through the proxy', proxiedSeq));
console.log(`added latency (sequential): p50 ${f(proxiedSeq.p50 - directSeq.p50)} ms, p90 ${f(proxiedSeq.p90 - directSeq.p90)} ms, mean ${f(proxiedSeq.mean - directSeq.mean)} ms`);
await deps.proxy.idle();
await new Promise((resolve) => server.close(resolve));
deps.close();
upstream.kill('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });
