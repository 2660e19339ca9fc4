/**
 * Run by the memory section in a process of its own: opens a data dir the way `serve` does (the
 * index loaded from its file, nothing rebuilt), routes some synthetic queries so the hot pages are
 * touched, collects garbage and prints what the process holds as one JSON line.
 * Usage: node --expose-gc --import tsx scripts/bench/memory-probe.ts <dataDir> <queries>
 */
import { existsSync, statSync } from 'node:fs';
import { dataPaths } from '../../src/cli/bootstrap.js';
import { SYNTHETIC_CONFIG, openSyntheticStore, syntheticQueries, syntheticVectors, tempConfig } from './fixtures.js';

const [dataDir, queryArg = '1000'] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: memory-probe.ts <dataDir> <queries>');
const indexFile = dataPaths(tempConfig({}, dataDir)).index;
const mtime = () => (existsSync(indexFile) ? statSync(indexFile).mtimeMs : -1);
const before = mtime();
const start = performance.now();
const deps = await openSyntheticStore(tempConfig(SYNTHETIC_CONFIG, dataDir));
const openSeconds = (performance.now() - start) / 1000;
// A rewritten index file means the open rebuilt it from SQLite instead of loading it.
const loadedFromFile = before !== -1 && mtime() === before;
const queries = await syntheticVectors().embed(syntheticQueries(Number(queryArg)));
for (const v of queries) deps.router.decideFor(v, { prompt: 'a prompt of ordinary length', constraints: {} });
queries.length = 0;
const gc: unknown = Reflect.get(globalThis, 'gc');
if (typeof gc === 'function') for (let i = 0; i < 3; i++) gc();
const m = process.memoryUsage();
console.log(JSON.stringify({ references: deps.index.size, openSeconds, loadedFromFile, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }));
// No close(): it would write the index file again, and the parent owns the data dir.
process.exit(0);
