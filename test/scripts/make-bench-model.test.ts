import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINILM_L6, writeBenchModel } from '../../scripts/make-bench-model.js';
import { spawnCommand } from '../helpers/cli-process.js';
import { FIXTURE_MODELS, tempDir } from '../helpers/test-deps.js';

const FILES = ['onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json', 'README.md'];

describe('make-bench-model', () => {
  it('regenerates the committed small MiniLM-architecture fixture byte for byte (the reference vectors are for this generator)', () => {
    const { dir, cleanup } = tempDir();
    const out = writeBenchModel({
      ...MINILM_L6,
      dir,
      id: 'minilm-arch-small',
      shape: { ...MINILM_L6.shape, layers: 2, hidden: 32, heads: 4, intermediate: 128, maxPositions: 64 },
      modelMaxLength: 64,
      maxSeqLength: undefined,
      words: 'builtin',
      std: 0.3,
    });
    try {
      for (const file of FILES) {
        expect(readFileSync(path.join(out, file)).equals(readFileSync(path.join(FIXTURE_MODELS, 'minilm-arch-small', file))), file).toBe(true);
      }
    } finally {
      cleanup();
    }
  });

  it("writes all-MiniLM-L6-v2's shapes and config files by default", () => {
    expect(MINILM_L6.shape).toMatchObject({ layers: 6, hidden: 384, heads: 12, intermediate: 1536, maxPositions: 512 });
    expect(MINILM_L6).toMatchObject({ modelMaxLength: 512, maxSeqLength: 256, vocabSize: 30522 });
  });

  it.each([
    [['--words', '/no/such/words.txt'], /^error: word list not found: \/no\/such\/words\.txt; pass --words <file> .* or --words builtin/],
    [['--layers', 'six'], /^error: --layers must be a positive integer, got 'six'$/],
  ])('answers a bad %j in one line with exit code 2, writing nothing', async (args, message) => {
    const { dir, cleanup } = tempDir();
    try {
      const proc = spawnCommand(process.execPath, ['--import', 'tsx', 'scripts/make-bench-model.ts', '--dir', dir, ...args], {});
      expect((await proc.exited).code).toBe(2);
      expect(proc.stderr().trimEnd()).toMatch(message);
      expect(proc.stderr().trimEnd().split('\n')).toHaveLength(1);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  }, 60_000);
});
