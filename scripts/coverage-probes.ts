/**
 * Does coverage tell the truth on the bundled references? Routes the two probe sets written for the
 * tests (test/fixtures/coverage-probes: off-topic prompts from 15 everyday domains, in-domain prompts
 * for the 16 bundled intents; neither shares prompts or wording with the references or the background
 * set) through the real router with the shipped config, and prints how many come back covered and
 * whether the intent is right. Issue 15 asks: off-topic ≤ 10% covered; in-domain ≥ 90% covered with
 * the intent right for ≥ 85%.
 * Usage: node --import tsx scripts/coverage-probes.ts [--embedder use-lite|lexical|auto|transformers] [--json]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { bootstrap } from '../src/cli/bootstrap.js';
import { loadConfig } from '../src/config/load.js';
import { createEmbedder } from '../src/embedding/create-embedder.js';
import { fingerprintKey } from '../src/embedding/embedder.js';
import { CachingEmbedder } from '../src/eval/caching-embedder.js';
import { cacheFile, loadVectors, saveVectors } from '../src/eval/vector-cache.js';
import { silentLogger } from '../src/shared/logger.js';
import { machineLine } from './bench-lib.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBES = path.join(ROOT, 'test/fixtures/coverage-probes');
const Probe = z.object({ prompt: z.string(), domain: z.string().optional(), intent: z.string().optional() });
type Probe = z.infer<typeof Probe>;

export function readProbes(file: string): Probe[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => Probe.parse(JSON.parse(l)));
}

interface Routed extends Probe {
  readonly covered: boolean;
  readonly reason: string;
  readonly routedIntent: string | null;
  readonly nearestIntent: string | null;
}

async function main(): Promise<void> {
  const { values } = parseScriptArgs({ options: { embedder: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('node --import tsx scripts/coverage-probes.ts [--embedder use-lite|lexical|auto|transformers] [--json]');
    return;
  }
  const backend = z.enum(['auto', 'use-lite', 'lexical', 'transformers']).parse(values.embedder ?? 'auto');
  const offTopic = readProbes(path.join(PROBES, 'off-topic.jsonl'));
  const inDomain = readProbes(path.join(PROBES, 'in-domain.jsonl'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'coverage-probes-'));
  try {
    const config = loadConfig({
      env: {},
      file: path.join(ROOT, 'router.config.yaml'),
      overrides: { dataDir, referenceDir: path.join(ROOT, 'reference-prompts'), backgroundDir: path.join(ROOT, 'reference-prompts/background'), embedding: { backend, allowRemote: false }, log: { level: 'silent' } },
    });
    const inner = await createEmbedder(config.embedding, dataDir, silentLogger());
    const cache = cacheFile(path.join(ROOT, 'data/coverage-experiment-cache'), inner.fingerprint);
    const embedder = new CachingEmbedder(inner, { batchSize: 64, onProgress: (d, t) => { if (t > 1) process.stderr.write(`\rembedding ${d}/${t}${d >= t ? '\n' : ''}`); } });
    embedder.preload(loadVectors(cache, inner.fingerprint.dims));
    const deps = await bootstrap(config, silentLogger(), { embedder });
    try {
      const route = async (p: Probe): Promise<Routed> => {
        const { decision: d } = await deps.router.route({ prompt: p.prompt, constraints: {} });
        if (d.kind !== 'routed') throw new Error('no eligible model');
        return { ...p, covered: d.covered, reason: d.reason, routedIntent: d.intent, nearestIntent: d.nearestIntent ?? d.intent };
      };
      const off: Routed[] = [];
      for (const p of offTopic) off.push(await route(p));
      const inside: Routed[] = [];
      for (const p of inDomain) inside.push(await route(p));
      deps.queue.flush();
      if (embedder.newlyEmbedded > 0) saveVectors(cache, inner.fingerprint.dims, embedder.vectors);
      report({ embedder: fingerprintKey(inner.fingerprint), threshold: deps.router.coverageThreshold, off, inside, json: values.json === true });
    } finally {
      deps.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);

function report(r: { embedder: string; threshold: number; off: readonly Routed[]; inside: readonly Routed[]; json: boolean }): void {
  const offCovered = r.off.filter((p) => p.covered).length;
  const inCovered = r.inside.filter((p) => p.covered);
  const right = (p: Routed) => (p.covered ? p.routedIntent : p.nearestIntent) === p.intent;
  const summary = {
    embedder: r.embedder,
    threshold: r.threshold,
    offTopic: { prompts: r.off.length, covered: offCovered },
    inDomain: { prompts: r.inside.length, covered: inCovered.length, intentRightAmongCovered: inCovered.filter(right).length, intentRightAll: r.inside.filter(right).length },
  };
  if (r.json) {
    console.log(JSON.stringify(summary));
    return;
  }
  console.log(machineLine());
  console.log(`embedder ${r.embedder}; global coverage threshold ${r.threshold.toFixed(4)}`);
  console.log(`off-topic  ${r.off.length} prompts: covered ${offCovered} (${pct(offCovered, r.off.length)})   [target ≤ 10%]`);
  console.log(`in-domain  ${r.inside.length} prompts: covered ${inCovered.length} (${pct(inCovered.length, r.inside.length)})   [target ≥ 90%]`);
  console.log(`           intent right among covered ${pct(summary.inDomain.intentRightAmongCovered, inCovered.length)}; over all (nearest intent when uncovered) ${pct(summary.inDomain.intentRightAll, r.inside.length)}   [target ≥ 85%]`);
  console.log('\noff-topic covered by domain:');
  const domains = [...new Set(r.off.map((p) => p.domain ?? '?'))];
  for (const d of domains) {
    const rows = r.off.filter((p) => p.domain === d);
    console.log(`  ${d.padEnd(18)} ${String(rows.filter((p) => p.covered).length).padStart(3)} / ${rows.length}`);
  }
  console.log('\nin-domain covered by intent:');
  for (const intent of [...new Set(r.inside.map((p) => p.intent ?? '?'))]) {
    const rows = r.inside.filter((p) => p.intent === intent);
    console.log(`  ${intent.padEnd(18)} covered ${String(rows.filter((p) => p.covered).length).padStart(3)} / ${rows.length}, intent right ${rows.filter(right).length}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
