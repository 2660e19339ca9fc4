import { describe, expect, it } from 'vitest';
import { csvObjects, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and numbers records by line', () => {
    const text = 'a,b\n"x, y","say ""hi"""\n"line one\nline two",z\r\nlast,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['line one\nline two', 'z'] },
      { line: 5, fields: ['last', ''] },
    ]);
  });

  it('skips blank lines and reads a last record without a newline', () => {
    expect(parseCsv('a\n\nb')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 3, fields: ['b'] },
    ]);
  });

  it('names the line where an unterminated quote starts', () => {
    expect(() => parseCsv('a\n"open\nstill open')).toThrow('line 2: unterminated quoted field');
  });
});

describe('csvObjects', () => {
  it('keys records by the header and rejects a record with the wrong field count', () => {
    expect(csvObjects('p,q\n1,2\n', 'f.csv')).toEqual([{ line: 2, values: { p: '1', q: '2' } }]);
    expect(() => csvObjects('p,q\n1,2,3\n', 'f.csv')).toThrow('f.csv:2: expected 2 fields (as in the header), found 3');
    expect(() => csvObjects('p\n"x', 'f.csv')).toThrow('f.csv:2: unterminated quoted field');
  });
});
