/**
 * How often does the language check call English traffic another language (which would make it
 * uncovered), and how often does it catch other languages? Runs detectLanguage over the public
 * intent datasets' English utterances (read by path, never copied) and the hand-written non-English
 * fixture. Usage: node --import tsx scripts/language-check.ts [--data ../shared/data]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectLanguage } from '../src/routing/language.js';
import { machineLine } from './bench-lib.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseScriptArgs({ options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('Usage: node --import tsx scripts/language-check.ts [--data <dir>]   (default ../shared/data)');
  process.exit(0);
}
const data = values.data ?? path.resolve(ROOT, '../shared/data');

const clinc = JSON.parse(readFileSync(path.join(data, 'clinc150/data_full.json'), 'utf8')) as Record<string, [string, string][]>;
const banking = readFileSync(path.join(data, 'banking77/test.csv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.replace(/,[^,]*$/, '').replace(/^"|"$/g, ''));
const nonEnglish = readFileSync(path.join(ROOT, 'test/fixtures/languages/non-english.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t') as [string, string]);

console.log(machineLine());
for (const [name, texts] of [['CLINC150 (all splits)', Object.values(clinc).flat().map((r) => r[0])], ['Banking77 test', banking]] as const) {
  const t0 = performance.now();
  const misread = texts.map((t) => [t, detectLanguage(t)] as const).filter(([, l]) => l !== 'en' && l !== 'und');
  const us = ((performance.now() - t0) * 1000) / texts.length;
  console.log(`${name}: ${texts.length} English utterances; called another language: ${misread.length} (${((100 * misread.length) / texts.length).toFixed(2)}%); ${us.toFixed(1)} µs each`);
  for (const [t, l] of misread.slice(0, 10)) console.log(`  ${l}: ${t}`);
}
const caught = nonEnglish.filter(([lang, t]) => detectLanguage(t) === lang);
console.log(`hand-written non-English (fr/es/de/it/pt/nl): ${caught.length}/${nonEnglish.length} told right`);
for (const [lang, t] of nonEnglish.filter((x) => !caught.includes(x))) console.log(`  missed (${lang} → ${detectLanguage(t)}): ${t}`);
