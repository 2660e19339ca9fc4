/**
 * Reads a Python list of string literals as `repr()` writes it, e.g. `['It\'s', "a \"b\""]`:
 * RouterBench stores each prompt that way. Strings may be single- or double-quoted and carry the
 * escapes repr emits (\\ \' \" \n \r \t \xhh \uhhhh \Uhhhhhhhh and the rare \a \b \f \v \ooo).
 * Throws with the offset of the first thing it cannot read.
 */
export function parsePythonStringList(source: string): string[] {
  const s = source.trim();
  if (!s.startsWith('[') || !s.endsWith(']')) throw new Error('not a Python list literal (expected [ … ])');
  const out: string[] = [];
  let i = skipSpace(s, 1);
  while (s[i] !== ']') {
    const { value, end } = readString(s, i);
    out.push(value);
    i = skipSpace(s, end);
    if (s[i] === ',') i = skipSpace(s, i + 1);
    else if (s[i] !== ']') throw new Error(`expected , or ] at offset ${i}`);
  }
  if (i !== s.length - 1) throw new Error(`unexpected text after ] at offset ${i + 1}`);
  return out;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i] ?? '')) i += 1;
  return i;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

/** One quoted literal starting at `start`; returns its value and the index after the closing quote. */
function readString(s: string, start: number): { value: string; end: number } {
  const quote = s[start];
  if (quote !== "'" && quote !== '"') throw new Error(`expected a string literal at offset ${start}`);
  let value = '';
  let i = start + 1;
  while (i < s.length && s[i] !== quote) {
    if (s[i] !== '\\') {
      value += s[i];
      i += 1;
      continue;
    }
    const escaped = readEscape(s, i + 1);
    value += escaped.text;
    i = escaped.end;
  }
  if (i >= s.length) throw new Error(`unterminated string literal starting at offset ${start}`);
  return { value, end: i + 1 };
}

/** The escape after a backslash at `i - 1`. */
function readEscape(s: string, i: number): { text: string; end: number } {
  const c = s[i] ?? '';
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { text: simple, end: i + 1 };
  const hexLength = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexLength > 0) {
    const hex = s.slice(i + 1, i + 1 + hexLength);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLength) throw new Error(`bad \\${c} escape at offset ${i - 1}`);
    return { text: String.fromCodePoint(parseInt(hex, 16)), end: i + 1 + hexLength };
  }
  const octal = /^[0-7]{1,3}/.exec(s.slice(i, i + 3));
  if (octal) return { text: String.fromCodePoint(parseInt(octal[0], 8)), end: i + octal[0].length };
  // Python keeps an unknown escape as written: backslash and character.
  return { text: `\\${c}`, end: i + 1 };
}
