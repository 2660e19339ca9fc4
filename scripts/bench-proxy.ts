/**
 * The front door's added latency: autocannon (its own process) against a fast fake upstream (its
 * own process) directly, then through POST /v1/chat/completions with model "router" (embedding,
 * routing, decision log, outcome recording included), in one run. Loopback only, bounded in time.
 * Usage: npm run bench:proxy [-- --seconds 15 --connections 16]
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

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' }, connections: { type: 'string', default: '16' }, help: { type: 'boolean', short: 'h', default: false } } });
if (values.help) {
  console.log('npm run bench:proxy -- [--seconds 15] [--connections 16]');
  process.exit(0);
}

const Result = z.object({ requests: z.object({ average: z.number(), total: z.number() }), latency: z.object({ p50: z.number(), p99: z.number(), average: z.number() }), non2xx: z.number(), errors: z.number() });

function load(url: string, body: string): Promise<z.infer<typeof Result>> {
  const args = ['-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-c', values.connections, '-d', values.seconds, '-j', url];
  return new Promise((resolve, reject) =>
    execFile('node_modules/.bin/autocannon', args, { maxBuffer: 2 ** 24 }, (error, stdout) => (error ? reject(error) : resolve(Result.parse(JSON.parse(stdout))))),
  );
}

const upstream = spawn('node_modules/.bin/tsx', ['scripts/fake-upstream-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
const upstreamPort = await new Promise<number>((resolve) => upstream.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
const upstreamUrl = `http://127.0.0.1:${upstreamPort}/v1`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'semroute-proxy-bench-'));
const base = loadConfig({ env: {}, file: 'router.config.yaml', overrides: { dataDir, log: { level: 'silent' } } });
const catalog = base.catalog.map((m) => ({ ...m, upstream: { baseUrl: upstreamUrl, timeoutMs: 10_000 } }));
const config = loadConfig({ env: {}, file: 'router.config.yaml', overrides: { dataDir, log: { level: 'silent' }, catalog } });
const deps = await bootstrap(config, silentLogger(), { embedder: new LexicalEmbedder({ dims: 1024 }) });
const server = serve({ fetch: createApp(appDepsOf(deps, silentLogger())).fetch, hostname: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
const address = server.address();
const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;

const messages = [{ role: 'user', content: 'Write a Python function that merges two sorted lists' }];
console.log(machineLine());
console.log(`load: autocannon, ${values.connections} connections, ${values.seconds} s each, loopback; embedder lexical; ${deps.index.size} references`);
const direct = await load(`${upstreamUrl}/chat/completions`, JSON.stringify({ model: 'fake', messages }));
const proxied = await load(`${proxyUrl}/chat/completions`, JSON.stringify({ model: 'router', messages }));
const row = (name: string, r: z.infer<typeof Result>) =>
  `${name.padEnd(22)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   mean ${r.latency.average.toFixed(2)} ms   errors ${r.non2xx + r.errors}`;
console.log(row('upstream directly', direct));
console.log(row('through the proxy', proxied));
console.log(`added latency: p50 ${proxied.latency.p50 - direct.latency.p50} ms, p99 ${proxied.latency.p99 - direct.latency.p99} ms, mean ${(proxied.latency.average - direct.latency.average).toFixed(2)} ms; throughput ${((proxied.requests.average / direct.requests.average) * 100).toFixed(0)}% of direct`);
await deps.proxy.idle();
await new Promise((resolve) => server.close(resolve));
deps.close();
upstream.kill('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });
