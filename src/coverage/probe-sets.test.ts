import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../test/helpers/test-deps.js';

/** Lower-cased word trigrams of a prompt: the unit of "shared wording". */
function trigrams(text: string): Set<string> {
  const words = text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= words.length; i++) out.add(words.slice(i, i + 3).join(' '));
  return out;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

function prompts(file: string): { prompt: string; intent?: string; domain?: string }[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { prompt: string });
}

const dir = (p: string) => path.join(PROJECT_ROOT, p);
const jsonl = (folder: string) => readdirSync(dir(folder)).filter((f) => f.endsWith('.jsonl')).map((f) => path.join(dir(folder), f));
const references = jsonl('reference-prompts').flatMap(prompts);
const background = jsonl('reference-prompts/background').flatMap(prompts);
const offTopic = prompts(dir('test/fixtures/coverage-probes/off-topic.jsonl'));
const inDomain = prompts(dir('test/fixtures/coverage-probes/in-domain.jsonl'));
const normal = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** Highest word-trigram Jaccard between any probe and any prompt of `others`, with the pair. */
function closest(probes: readonly { prompt: string }[], others: readonly { prompt: string }[]) {
  const grams = others.map((o) => ({ prompt: o.prompt, grams: trigrams(o.prompt) }));
  let best = { score: 0, probe: '', other: '' };
  for (const p of probes) {
    const g = trigrams(p.prompt);
    for (const o of grams) {
      const score = jaccard(g, o.grams);
      if (score > best.score) best = { score, probe: p.prompt, other: o.prompt };
    }
  }
  return best;
}

describe('coverage probe sets', () => {
  it('are as large and as broad as the acceptance asks', () => {
    expect(offTopic.length).toBeGreaterThanOrEqual(200);
    expect(new Set(offTopic.map((p) => p.domain)).size).toBeGreaterThanOrEqual(10);
    expect(inDomain.length).toBeGreaterThanOrEqual(200);
    const intents = new Set(references.map((r) => r.intent));
    expect(inDomain.every((p) => intents.has(p.intent))).toBe(true);
    expect(background.length).toBeGreaterThanOrEqual(300);
    expect(new Set(background.map((p) => p.domain)).size).toBeGreaterThanOrEqual(20);
  });

  it('share no prompt with the references, the background set or each other', () => {
    const seen = new Map<string, string>();
    for (const [set, list] of [['references', references], ['background', background], ['off-topic', offTopic], ['in-domain', inDomain]] as const) {
      for (const p of list) {
        const key = normal(p.prompt);
        expect(seen.get(key), `"${p.prompt}" is in ${seen.get(key)} and ${set}`).toBeUndefined();
        seen.set(key, set);
      }
    }
  });

  it('share no near-duplicate wording with the references or the background set', () => {
    // 0.3: the highest pair here scores 0.29 (a shared "How do I get rid of …" opening); a reworded copy scores 0.8+.
    for (const probes of [offTopic, inDomain]) {
      for (const others of [references, background]) {
        const best = closest(probes, others);
        expect(best.score, `"${best.probe}" ~ "${best.other}"`).toBeLessThan(0.3);
      }
    }
  });

  it('the near-duplicate check catches a reworded copy', () => {
    const copy = { prompt: `Please, ${background[0]?.prompt ?? ''}` };
    expect(closest([copy], background).score).toBeGreaterThanOrEqual(0.3);
  });
});
