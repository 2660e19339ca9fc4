import { lineError } from './datasets/line-error.js';

/** One parsed CSV record with the 1-based line where it starts, for error messages. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * RFC 4180 CSV: comma-separated, fields optionally double-quoted, `""` inside quotes is one quote,
 * quoted fields may span lines (the MMLU prompts do). CRLF and LF both end a record. A blank line
 * yields no record. Throws on an unterminated quote, naming the line where the field began.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === '') {
      const start = line;
      const end = readQuoted(text, i + 1);
      if (end.close < 0) throw new Error(`line ${start}: unterminated quoted field`);
      field = end.value;
      line += end.newlines;
      i = end.close + 1;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      i += 1;
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
    } else {
      field += ch;
      i += 1;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** Reads a quoted field's body starting after the opening quote; `close` is the closing quote's index. */
function readQuoted(text: string, from: number): { value: string; close: number; newlines: number } {
  let value = '';
  let newlines = 0;
  let i = from;
  while (i < text.length) {
    const next = text.indexOf('"', i);
    if (next < 0) return { value, close: -1, newlines };
    const chunk = text.slice(i, next);
    value += chunk;
    newlines += countNewlines(chunk);
    if (text[next + 1] === '"') {
      value += '"';
      i = next + 2;
    } else return { value, close: next, newlines };
  }
  return { value, close: -1, newlines };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === '\n' || (s[i] === '\r' && s[i + 1] !== '\n')) n += 1;
  return n;
}

/** Records as objects keyed by the header row; a record with a different field count is an error. */
export function csvObjects(text: string, file: string): { line: number; values: Record<string, string> }[] {
  const [header, ...rows] = parseCsvOrThrow(text, file);
  if (!header) return [];
  return rows.map((r) => {
    if (r.fields.length !== header.fields.length) {
      throw lineError(file, r.line, `expected ${header.fields.length} fields (as in the header), found ${r.fields.length}`);
    }
    return { line: r.line, values: Object.fromEntries(header.fields.map((name, i) => [name, r.fields[i] ?? ''])) };
  });
}

function parseCsvOrThrow(text: string, file: string): CsvRecord[] {
  try {
    return parseCsv(text);
  } catch (error) {
    const match = error instanceof Error ? /^line (\d+): (.*)$/.exec(error.message) : null;
    if (!match) throw error;
    throw lineError(file, Number(match[1]), match[2] ?? 'unreadable CSV');
  }
}
