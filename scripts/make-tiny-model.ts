/**
 * Writes a tiny BERT-shaped sentence embedder for offline tests: a one-node ONNX graph (Gather
 * over an embedding table) plus a WordPiece tokenizer, loadable by @huggingface/transformers with
 * remote models off. It is not a language model: a sentence vector is the mean of its tokens'
 * vectors, each built from the token's own random vector plus a small share of its character
 * trigrams' (so "merge" and "merges" are close) and damped for very common words. Deterministic output.
 * Usage: npm run make-tiny-model [-- --out test/fixtures/models/tiny-bert]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeInPlace } from '../src/embedding/embedder.js';
import { STOP_WORDS, tokenize } from '../src/embedding/lexical-embedder.js';
import { gaussian, seededRandom } from '../src/shared/random.js';
import { floatTensor, Message, model, ONNX_FLOAT, ONNX_INT64, tensorInfo } from './onnx-writer.js';
import { COMMON_WORDS } from './tiny-model-words.js';
import { SPECIAL_TOKEN_CONFIG, SPECIAL_TOKENS, tokenizerJson } from './wordpiece-tokenizer.js';
import { parseScriptArgs } from '../src/shared/command-line.js';

const DIMS = 256;
const SPECIAL: readonly string[] = SPECIAL_TOKENS;
const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');

const { values } = parseScriptArgs({
  options: { out: { type: 'string', default: 'test/fixtures/models/tiny-bert' }, help: { type: 'boolean', short: 'h', default: false } },
});
if (values.help) {
  console.log('Usage: npm run make-tiny-model [-- --out <dir>]\nVocabulary: built-in common words + every word in reference-prompts/*.jsonl and test/fixtures/reference-sets/*.jsonl.');
  process.exit(0);
}

function corpusWords(dirs: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const dir of dirs.filter((d) => existsSync(d))) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        const match = /"prompt"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(line);
        if (match?.[1]) for (const w of tokenize(String(JSON.parse(match[1])))) if (w.length >= 2 && /^[a-z0-9]+$/.test(w)) words.add(w);
      }
    }
  }
  return words;
}

function vocabulary(): string[] {
  const words = new Set([...COMMON_WORDS, ...corpusWords(['reference-prompts', 'test/fixtures/reference-sets'])]);
  const pieces = [...CHARS, ...CHARS.map((c) => `##${c}`)];
  return [...SPECIAL, ...pieces, ...[...words].filter((w) => !pieces.includes(w)).sort()];
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function randomVector(key: string): Float32Array {
  const rand = seededRandom(hash(key));
  return normalizeInPlace(Float32Array.from({ length: DIMS }, () => gaussian(rand)));
}

/** A token's row: its own direction plus its character trigrams', damped for stop words and pieces. */
function row(token: string): Float32Array {
  if (SPECIAL.includes(token)) return randomVector(token).map((x) => x * 0.02);
  const word = token.replace(/^##/, '');
  const trigrams = new Float32Array(DIMS);
  const padded = `<${word}>`;
  for (let i = 0; i + 3 <= padded.length; i++) {
    const tri = randomVector(`c:${padded.slice(i, i + 3)}`);
    for (let d = 0; d < DIMS; d++) trigrams[d] = (trigrams[d] ?? 0) + (tri[d] ?? 0);
  }
  // Mostly the word itself; a small, normalised share of trigrams links inflections (merge/merges).
  normalizeInPlace(trigrams);
  const own = randomVector(`w:${word}`);
  const v = own.map((x, d) => 0.9 * x + 0.3 * (trigrams[d] ?? 0));
  const scale = STOP_WORDS.has(word) ? 0.15 : token.startsWith('##') || word.length === 1 ? 0.3 : 1;
  return normalizeInPlace(v).map((x) => x * scale);
}

function onnxModel(vocab: readonly string[]): Uint8Array {
  const table = new Float32Array(vocab.length * DIMS);
  vocab.forEach((token, i) => table.set(row(token), i * DIMS));
  const gather = new Message().string(1, 'embeddings').string(1, 'input_ids').string(2, 'last_hidden_state').string(3, 'lookup').string(4, 'Gather');
  const graph = new Message()
    .message(1, gather)
    .string(2, 'tiny-bert')
    .message(5, floatTensor('embeddings', [vocab.length, DIMS], table));
  for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) graph.message(11, tensorInfo(name, ONNX_INT64, ['batch', 'sequence']));
  graph.message(12, tensorInfo('last_hidden_state', ONNX_FLOAT, ['batch', 'sequence', DIMS]));
  return model(graph);
}

function write(out: string): void {
  const vocab = vocabulary();
  mkdirSync(path.join(out, 'onnx'), { recursive: true });
  const onnx = onnxModel(vocab);
  writeFileSync(path.join(out, 'onnx', 'model.onnx'), onnx);
  writeFileSync(path.join(out, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(path.join(out, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, ...SPECIAL_TOKEN_CONFIG }, null, 2) + '\n');
  const config = { model_type: 'bert', architectures: ['BertModel'], hidden_size: DIMS, vocab_size: vocab.length, max_position_embeddings: 512, num_attention_heads: 1, num_hidden_layers: 1, intermediate_size: DIMS, type_vocab_size: 2, pad_token_id: 0 };
  writeFileSync(path.join(out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  writeFileSync(
    path.join(out, 'README.md'),
    '# tiny-bert (test fixture)\n\nGenerated by `npm run make-tiny-model`. Not a language model: a Gather over a seeded embedding table\n(bag of words with character trigrams), so the real transformers.js pipeline can run offline in tests.\n',
  );
  console.log(`wrote ${out}: vocab ${vocab.length}, dims ${DIMS}, model.onnx ${onnx.length} bytes`);
}

write(values.out);
