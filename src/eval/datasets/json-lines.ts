import { readFileSync } from 'node:fs';
import { lineError } from './line-error.js';

/** Every non-blank line of a JSONL file as parsed JSON with its 1-based line number. */
export function readJsonLines(file: string): { line: number; value: unknown }[] {
  const out: { line: number; value: unknown }[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (raw.trim() === '') return;
      try {
        out.push({ line: i + 1, value: JSON.parse(raw) });
      } catch (error) {
        throw lineError(file, i + 1, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      }
    });
  return out;
}
