/**
 * Short follow-ups in a conversation: how many stay covered, and whether short new requests keep
 * their own intent. Each of 8 first requests is followed by 8 content-free follow-ups ("commit it")
 * and 6 short new requests ("Write a haiku about rain"). "window alone" is the verdict on the
 * mixed window vector (the routing before the turns-before fallback); "routed" is Router.route().
 *
 *   node --import tsx scripts/conversation-check.ts [--embedder use-lite|lexical] [--data-dir <dir>]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { bootstrap } from '../src/cli/bootstrap.js';
import { loadConfig } from '../src/config/load.js';
import { mixVectors, routingWindow, turnsOf } from '../src/routing/conversation.js';
import { parseScriptArgs } from '../src/shared/command-line.js';
import { silentLogger } from '../src/shared/logger.js';
import { machineLine } from './bench-lib.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIRSTS = ['Write a Python function that merges two sorted lists', 'Fix the off-by-one error in this loop: for i in range(len(a)+1): print(a[i])', 'Write a SQL query that returns the ten customers with the highest total order value', 'Summarize this article about the history of the printing press in three bullet points', 'Draft a polite email to my landlord asking to fix the broken heating', 'Explain what this JavaScript code does: const f = xs => xs.reduce((a, b) => a + b, 0)', 'A train leaves at 3pm going 60 mph; another leaves at 4pm going 80 mph. When does the second catch up?', 'Write a short story about a lighthouse keeper who finds a message in a bottle'];
const FOLLOW_UPS = ['commit it', 'now add unit tests for it', 'make it shorter', 'thanks, can you make it faster?', 'and the edge cases?', 'do it again but in TypeScript', 'explain step 2', 'more formal please'];
const NEW_REQUESTS = ['Write a haiku about rain', 'Translate "good morning" into German', 'What is 17% of 240?', 'Write a SQL query counting users', 'Summarize the plot of Hamlet', 'Draft an email asking for a refund'];

const { values } = parseScriptArgs({ options: { embedder: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('node --import tsx scripts/conversation-check.ts [--embedder use-lite|lexical] [--data-dir <dir> (reuse a seeded one)]');
  process.exit(0);
}
const backend = z.enum(['use-lite', 'lexical']).parse(values.embedder ?? 'use-lite');
const dataDir = values['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'conversation-check-'));
console.log(machineLine());
const config = loadConfig({ env: {}, file: path.join(ROOT, 'router.config.yaml'), overrides: { dataDir, referenceDir: path.join(ROOT, 'reference-prompts'), backgroundDir: path.join(ROOT, 'reference-prompts/background'), embedding: { backend, allowRemote: false }, log: { level: 'silent', keepText: 'none' } } });
const deps = await bootstrap(config, silentLogger());
const verdictOf = (vector: Float32Array) => {
  const { decision } = deps.router.decideFor(vector, { prompt: 'x', constraints: {} });
  return decision.kind === 'routed' ? { covered: decision.covered, intent: decision.intent } : { covered: false, intent: null };
};
const intentAlone = async (text: string) => verdictOf((await deps.embedder.embed([text]))[0] ?? new Float32Array(0)).intent;
const counts = { followUps: 0, windowAloneCovered: 0, routedCovered: 0, routedFirstIntent: 0, newRequests: 0, windowAloneOwnIntent: 0, routedOwnIntent: 0 };
for (const first of FIRSTS) {
  const firstIntent = await intentAlone(first);
  for (const [kind, last] of [...FOLLOW_UPS.map((t) => ['follow', t] as const), ...NEW_REQUESTS.map((t) => ['new', t] as const)]) {
    const messages = [{ role: 'user', content: first }, { role: 'assistant', content: 'Here it is.' }, { role: 'user', content: last }];
    const window = routingWindow(turnsOf(messages));
    if (window === null) throw new Error('no window');
    const alone = verdictOf(mixVectors(await deps.embedder.embed(window.parts.map((p) => p.text)), window.parts.map((p) => p.weight)));
    const { decision } = await deps.router.route({ prompt: last, conversation: turnsOf(messages), constraints: {} });
    const routed = decision.kind === 'routed' ? decision : { covered: false, intent: null };
    if (kind === 'follow') {
      counts.followUps++;
      if (alone.covered) counts.windowAloneCovered++;
      if (routed.covered) counts.routedCovered++;
      if (routed.covered && routed.intent === firstIntent) counts.routedFirstIntent++;
    } else {
      const own = await intentAlone(last);
      counts.newRequests++;
      if (alone.covered && alone.intent === own) counts.windowAloneOwnIntent++;
      if (routed.covered && routed.intent === own) counts.routedOwnIntent++;
    }
  }
}
console.log(JSON.stringify({ embedder: backend, ...counts }));
deps.close();
if (values['data-dir'] === undefined) rmSync(dataDir, { recursive: true, force: true });
