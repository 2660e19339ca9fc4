import { describe, expect, it } from 'vitest';
import { clientWantsUsage, conversationTokens, routingText, upstreamBodyOf } from './chat-request.js';

describe('the relayed body', () => {
  it('changes only model (and include_usage for streams), dropping only router_escalate', () => {
    const fields = { model: 'router', stream: true, stream_options: { include_usage: false, other: 1 }, router_escalate: true, x: { y: [1] } };
    expect(upstreamBodyOf({ fields }, 'gpt')).toEqual({ model: 'gpt', stream: true, stream_options: { include_usage: true, other: 1 }, x: { y: [1] } });
    expect(clientWantsUsage({ fields })).toBe(false);
    expect(fields.stream_options.include_usage).toBe(false);
  });

  it('routes on the text parts of the last user turn', () => {
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'answer' },
      { role: 'user', content: [{ type: 'text', text: 'look at' }, { type: 'image_url', image_url: { url: 'data:...' } }, { type: 'text', text: 'this' }] },
    ];
    expect(routingText(messages)).toBe('look at\nthis');
  });

  it('counts every message, tool call and tool definition, but not base64 payloads', () => {
    const small = conversationTokens({ fields: { messages: [{ role: 'user', content: 'x'.repeat(400) }] } });
    const withTools = conversationTokens({
      fields: {
        messages: [{ role: 'user', content: 'x'.repeat(400) }, { role: 'assistant', content: null, tool_calls: [{ id: 'a', function: { arguments: 'y'.repeat(400) } }] }],
        tools: [{ type: 'function', function: { name: 'f', parameters: { description: 'z'.repeat(400) } } }],
      },
    });
    const image = conversationTokens({ fields: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(100_000)}` } }] }] } });
    expect(small).toBe(104);
    expect(withTools).toBeGreaterThan(small + 200);
    expect(image).toBeLessThan(100);
  });
});
