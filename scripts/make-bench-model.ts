/**
 * Writes a sentence embedder with all-MiniLM-L6-v2's architecture and shapes (BERT, 6 layers,
 * hidden 384, 12 heads, FFN 1536, 512 positions, vocabulary 30,522) and random weights from a seed,
 * in fp32 (onnx/model.onnx) and quantised to int8 as onnxruntime's dynamic quantisation does
 * (onnx/model_quantized.onnx, the file transformers.js loads for dtype q8; see bert-encoder.ts),
 * plus a WordPiece tokenizer over real English words and the config files the real model ships
 * (config.json, tokenizer_config.json with model_max_length 512, sentence_bert_config.json with
 * max_seq_length 256). The compute per token is the real model's; the vectors mean nothing. Shapes
 * and configs: huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (config.json, tokenizer_config.json,
 * sentence_bert_config.json).
 *
 * Usage: npm run make-bench-model [-- --dir <folder> --id <name> …]; see --help.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bertEncoderOnnx, type BertShape, type BertWeights } from './bert-encoder.js';
import { COMMON_WORDS } from './tiny-model-words.js';
import { SPECIAL_TOKEN_CONFIG, SPECIAL_TOKENS, tokenizerJson } from './wordpiece-tokenizer.js';
import { parseScriptArgs } from '../src/shared/command-line.js';
import { AppError } from '../src/shared/errors.js';

export const DEFAULT_BENCH_MODELS_DIR = path.join(os.homedir(), '.cache/semroute/bench-models');
export const BENCH_MODEL_ID = 'minilm-l6-arch';
const DEFAULT_WORDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/glove6b-100d-top30k/words.txt');

export interface BenchModelOptions {
  /** Folder that gets an `<id>/` subfolder (transformers.js's localModelPath). */
  readonly dir: string;
  readonly id: string;
  readonly shape: Omit<BertShape, 'vocabSize'>;
  /** Tokens the tokenizer accepts (tokenizer_config.json model_max_length). */
  readonly modelMaxLength: number;
  /** sentence-transformers' budget (sentence_bert_config.json max_seq_length); undefined writes no file. */
  readonly maxSeqLength: number | undefined;
  /** Word list, one per line, most frequent first; `builtin` = the tiny model's common words. */
  readonly words: string;
  readonly vocabSize: number;
  readonly seed: number;
  /** Standard deviation of the random weights (BERT's initialiser: 0.02). */
  readonly std: number;
}

export const MINILM_L6: Omit<BenchModelOptions, 'dir' | 'id' | 'words'> = {
  shape: { hidden: 384, layers: 6, heads: 12, intermediate: 1536, maxPositions: 512, typeVocabSize: 2, layerNormEps: 1e-12 },
  modelMaxLength: 512,
  maxSeqLength: 256,
  vocabSize: 30522,
  seed: 14,
  std: 0.02,
};

/** The ONNX files written, by transformers.js's file name for each dtype (fp32: model.onnx, q8: model_quantized.onnx). */
const MODEL_FILES = [
  ['model.onnx', 'fp32'],
  ['model_quantized.onnx', 'q8'],
] as const satisfies readonly (readonly [string, BertWeights])[];

const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const SUFFIXES = ['s', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'est', 'ly', 'ness', 'ment', 'ments', 'tion', 'tions', 'able', 'ful', 'less', 'ity', 'al', 'ic', 'ize', 'ise'];

/** Specials, punctuation, characters and `##` pieces (so every word tokenizes), then whole words in list order up to `size`. */
export function vocabulary(words: readonly string[], size: number): string[] {
  const base = [...SPECIAL_TOKENS, ...PUNCTUATION, ...CHARS, ...CHARS.map((c) => `##${c}`), ...SUFFIXES.map((s) => `##${s}`)];
  const vocab = new Set<string>(base);
  for (const w of words) {
    if (vocab.size >= size) break;
    if (/^[a-z0-9]+$/.test(w)) vocab.add(w);
  }
  return [...vocab];
}

function readWords(source: string): string[] {
  if (source === 'builtin') return [...COMMON_WORDS];
  if (!existsSync(source)) throw new AppError('VALIDATION_FAILED', wordListMissing(source));
  return readFileSync(source, 'utf8').split('\n').map((w) => w.trim().toLowerCase());
}

/** The default list lives in the datasets folder beside the project, which a plain clone lacks: say so. */
function wordListMissing(source: string): string {
  const fix = `pass --words <file> (one word per line, most frequent first) or --words builtin (${COMMON_WORDS.length} words; other words split into word pieces, so texts take more tokens than with the real model's vocabulary)`;
  return source === DEFAULT_WORDS
    ? `the default word list is missing: ${source} (the 30,000 most frequent GloVe words, read from the datasets folder beside the project, ../shared/data); ${fix}`
    : `word list not found: ${source}; ${fix}`;
}

/** Temp file then rename: a bench or server of another process reading the folder never sees half a file. */
function writeFileAtomically(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

/** Writes the model folder and returns it. Deterministic: the same options give the same bytes. */
export function writeBenchModel(opts: BenchModelOptions): string {
  const vocab = vocabulary(readWords(opts.words), opts.vocabSize);
  const shape: BertShape = { ...opts.shape, vocabSize: vocab.length };
  const out = path.join(opts.dir, opts.id);
  mkdirSync(path.join(out, 'onnx'), { recursive: true });
  for (const [file, weights] of MODEL_FILES) writeFileAtomically(path.join(out, 'onnx', file), bertEncoderOnnx(shape, { seed: opts.seed, std: opts.std, weights }));
  writeFileAtomically(path.join(out, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  const json = (file: string, value: unknown) => writeFileAtomically(path.join(out, file), JSON.stringify(value, null, 2) + '\n');
  json('tokenizer_config.json', { tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: opts.modelMaxLength, ...SPECIAL_TOKEN_CONFIG });
  json('config.json', {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: shape.hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: shape.intermediate,
    hidden_act: 'gelu',
    max_position_embeddings: shape.maxPositions,
    type_vocab_size: shape.typeVocabSize,
    vocab_size: shape.vocabSize,
    layer_norm_eps: shape.layerNormEps,
    pad_token_id: 0,
    semroute: { generator: 'scripts/make-bench-model.ts', seed: opts.seed, weights: `random N(0, ${opts.std}²); not a trained model` },
  });
  if (opts.maxSeqLength !== undefined) json('sentence_bert_config.json', { max_seq_length: opts.maxSeqLength, do_lower_case: false });
  const s = shape;
  writeFileAtomically(
    path.join(out, 'README.md'),
    `# ${opts.id} (generated)\n\nWritten by scripts/make-bench-model.ts: a BERT encoder (${s.layers} layers, hidden ${s.hidden}, ${s.heads} heads, ` +
      `FFN ${s.intermediate}, ${s.maxPositions} positions, vocabulary ${s.vocabSize}) with random weights (seed ${opts.seed}, std ${opts.std}). ` +
      'Not a language model: its compute is a real BERT\'s, its vectors mean nothing. onnx/model.onnx holds fp32 weights; ' +
      'onnx/model_quantized.onnx the same weights in int8 (dynamic quantisation, dtype q8).\n',
  );
  return out;
}

/** The MiniLM-architecture bench model's folder, generated first when it is not there yet. */
export function ensureBenchModel(dir = DEFAULT_BENCH_MODELS_DIR, log: (line: string) => void = console.log): { dir: string; id: string } {
  if (MODEL_FILES.some(([file]) => !existsSync(path.join(dir, BENCH_MODEL_ID, 'onnx', file)))) {
    log(`  generating the MiniLM-architecture bench model into ${path.join(dir, BENCH_MODEL_ID)} (~90 MB fp32 + ~23 MB q8, once)`);
    writeBenchModel({ ...MINILM_L6, dir, id: BENCH_MODEL_ID, words: DEFAULT_WORDS });
  }
  return { dir, id: BENCH_MODEL_ID };
}

const HELP = `npm run make-bench-model -- [options]

Writes <dir>/<id>/{config.json, tokenizer.json, tokenizer_config.json, sentence_bert_config.json,
onnx/model.onnx (fp32), onnx/model_quantized.onnx (the same weights in int8: dtype q8)}.
Defaults are all-MiniLM-L6-v2's shapes; weights are random from --seed.

  --dir <folder>           default ${DEFAULT_BENCH_MODELS_DIR}
  --id <name>              default ${BENCH_MODEL_ID}
  --layers <n>             default 6        --hidden <n>         default 384
  --heads <n>              default 12       --intermediate <n>   default 1536
  --max-positions <n>      default 512      --model-max-length <n> default 512
  --max-seq-length <n|none> sentence_bert_config.json max_seq_length, default 256
  --vocab-size <n>         default 30522
  --words <file|builtin>   default ${DEFAULT_WORDS}
  --seed <n>               default 14
  --std <x>                weights' standard deviation, default 0.02
  -h, --help

The test fixture test/fixtures/models/minilm-arch-small is:
  npm run make-bench-model -- --dir test/fixtures/models --id minilm-arch-small --layers 2 --hidden 32 --heads 4 \\
    --intermediate 128 --max-positions 64 --model-max-length 64 --max-seq-length none --words builtin --std 0.3`;

function positiveNumber(raw: string, name: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new AppError('VALIDATION_FAILED', `--${name} must be a positive number, got '${raw}'`);
  return n;
}

function main(argv: readonly string[]): void {
  const { values } = parseScriptArgs({
    args: [...argv],
    options: Object.fromEntries(
      [
        ...['dir', 'id', 'layers', 'hidden', 'heads', 'intermediate', 'max-positions', 'model-max-length', 'max-seq-length', 'vocab-size', 'words', 'seed', 'std'].map((k) => [k, { type: 'string' as const }]),
        ['help', { type: 'boolean' as const, short: 'h' }],
      ],
    ),
    allowPositionals: false,
  });
  const v: Readonly<Record<string, unknown>> = values;
  if (argv.includes('--help') || argv.includes('-h')) return console.log(HELP);
  const int = (key: string, fallback: number): number => {
    const raw = v[key];
    const n = typeof raw === 'string' ? Number(raw) : fallback;
    if (!Number.isInteger(n) || n <= 0) throw new AppError('VALIDATION_FAILED', `--${key} must be a positive integer, got '${String(raw)}'`);
    return n;
  };
  const str = (key: string, fallback: string): string => (typeof v[key] === 'string' ? v[key] : fallback);
  const base = MINILM_L6.shape;
  const seqRaw = str('max-seq-length', String(MINILM_L6.maxSeqLength));
  const out = writeBenchModel({
    dir: str('dir', DEFAULT_BENCH_MODELS_DIR),
    id: str('id', BENCH_MODEL_ID),
    shape: {
      ...base,
      layers: int('layers', base.layers),
      hidden: int('hidden', base.hidden),
      heads: int('heads', base.heads),
      intermediate: int('intermediate', base.intermediate),
      maxPositions: int('max-positions', base.maxPositions),
    },
    modelMaxLength: int('model-max-length', MINILM_L6.modelMaxLength),
    maxSeqLength: seqRaw === 'none' ? undefined : int('max-seq-length', MINILM_L6.maxSeqLength ?? 256),
    vocabSize: int('vocab-size', MINILM_L6.vocabSize),
    words: str('words', DEFAULT_WORDS),
    seed: int('seed', MINILM_L6.seed),
    std: positiveNumber(str('std', String(MINILM_L6.std)), 'std'),
  });
  console.log(`wrote ${out}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    // A mistake in the options is one line and exit code 2, as in every script; a fault keeps its stack.
    if (!(error instanceof AppError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 2;
  }
}
