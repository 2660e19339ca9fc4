/**
 * How long the policy's leave-one-out fit (src/routing/tuning.ts) takes on a real store: synthetic
 * references (SQLite + HNSW through bootstrap, 384-d clustered vectors, six models with records),
 * timed in wall and CPU seconds. Issue 17 asks for at most 10 s at 10k references.
 * Usage: npm run bench:fit -- [--sizes 1000,10000] [--repeats 3]
 */
import { parseArgs } from 'node:util';
import { fitRouting } from '../src/routing/tuning.js';
import { machineLine } from './bench-lib.js';
import { cleanup, syntheticStore } from './bench/fixtures.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000' }, repeats: { type: 'string', default: '3' }, help: { type: 'boolean', short: 'h', default: false } } });
if (values.help) {
  console.log('npm run bench:fit -- [--sizes 1000,10000] [--repeats 3]: wall and CPU seconds of one leave-one-out policy fit per store size');
  process.exit(0);
}

console.log(machineLine());
for (const size of values.sizes.split(',').map(Number)) {
  const { deps } = await syntheticStore(size);
  try {
    const runs: { wall: number; cpu: number; samples: number }[] = [];
    for (let r = 0; r < Number(values.repeats); r++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const fit = fitRouting({ references: deps.references, index: deps.index, catalog: deps.config.catalog, routing: deps.config.routing, coverage: deps.router.coverageTest });
      const cpu = process.cpuUsage(cpu0);
      runs.push({ wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, samples: fit?.samples ?? 0 });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    console.log(
      `${size} references: fit on ${runs[0]?.samples ?? 0} samples, median wall ${median(runs.map((r) => r.wall)).toFixed(2)} s, ` +
        `CPU ${median(runs.map((r) => r.cpu)).toFixed(2)} s over ${runs.length} runs (max wall ${Math.max(...runs.map((r) => r.wall)).toFixed(2)} s)`,
    );
  } finally {
    cleanup(deps);
  }
}
