import { describe, expect, it } from 'vitest';
import { SseSplitter } from './sse.js';

const enc = (s: string) => new TextEncoder().encode(s);
const chunk = (delta: unknown, extra: Record<string, unknown> = {}) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

describe('SseSplitter', () => {
  it('keeps each event byte for byte, even when it is split across chunks or a multi-byte character', () => {
    const text = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'héllo ✓' }) + 'data: [DONE]\n\n';
    const bytes = enc(text);
    const splitter = new SseSplitter();
    const events = [];
    for (let i = 0; i < bytes.length; i += 7) events.push(...splitter.push(bytes.subarray(i, i + 7)));
    events.push(...splitter.end());
    expect(events.map((e) => e.raw).join('')).toBe(text);
    expect(events.map((e) => e.content)).toEqual([false, true, false]);
    expect(events[1]?.generatedChars).toBe('héllo ✓'.length);
  });

  it('recognises error events, usage-only chunks and tool-call content, with CRLF line ends', () => {
    const splitter = new SseSplitter();
    const events = splitter.push(
      enc(
        'event: error\r\ndata: {"message":"Overloaded"}\r\n\r\n' +
          'data: {"error":{"message":"x"}}\n\n' +
          chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{"a":1}' } }] }) +
          'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}\n\n',
      ),
    );
    expect(events.map((e) => [e.error, e.content, e.usageOnly])).toEqual([
      [true, false, false],
      [true, false, false],
      [false, true, false],
      [false, false, true],
    ]);
    expect(events[3]?.usage).toEqual({ promptTokens: 3, completionTokens: 4 });
  });
});

describe('withCatalogModel', () => {
  it('renames only the model key, not a "model" inside generated text, and keeps every other byte', async () => {
    const { withCatalogModel } = await import('./stream-relay.js');
    const chunk = { id: 'c1', model: 'gpt-4o-2024-08-06', choices: [{ index: 0, delta: { content: '{"model": "x"} costs $1' } }] };
    const raw = `data: ${JSON.stringify(chunk)}\n\n`;
    const out = withCatalogModel(raw, 'gpt-$&-4o');
    expect(JSON.parse(out.slice('data: '.length))).toEqual({ ...chunk, model: 'gpt-$&-4o' });
    expect(withCatalogModel('data: [DONE]\n\n', 'big')).toBe('data: [DONE]\n\n');
  });
});
