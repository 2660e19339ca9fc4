import { describe, expect, it } from 'vitest';
import { parsePythonStringList } from './python-literal.js';

describe('parsePythonStringList', () => {
  it('reads single- and double-quoted literals with repr escapes', () => {
    expect(parsePythonStringList(String.raw`['It\'s a\ttab\nnew line', "say \"hi\" \\ done"]`)).toEqual(["It's a\ttab\nnew line", 'say "hi" \\ done']);
  });

  it('decodes \\x, \\u and \\U escapes and keeps unknown escapes as written', () => {
    expect(parsePythonStringList(String.raw`['caf\xe9 \u2013 \U0001f600 \q']`)).toEqual(['café – 😀 \\q']);
  });

  it('reads an empty list and tolerates spaces', () => {
    expect(parsePythonStringList(' [ ] ')).toEqual([]);
    expect(parsePythonStringList("[ 'a' , 'b' ]")).toEqual(['a', 'b']);
  });

  it('rejects what is not a list of strings', () => {
    expect(() => parsePythonStringList('plain text')).toThrow('not a Python list literal');
    expect(() => parsePythonStringList("['open]")).toThrow('unterminated string literal');
    expect(() => parsePythonStringList('[1, 2]')).toThrow('expected a string literal at offset 1');
    expect(() => parsePythonStringList("['a' 'b']")).toThrow('expected , or ]');
  });
});
