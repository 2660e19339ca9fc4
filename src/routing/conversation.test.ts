import { describe, expect, it } from 'vitest';
import { contentText, earlierTurns, lastUserText, mixVectors, routingWindow, turnsOf } from './conversation.js';

describe('conversation text', () => {
  it('reads text parts and skips images', () => {
    expect(contentText([{ type: 'text', text: 'look at this' }, { type: 'image_url', image_url: { url: 'data:' } }, { type: 'text', text: 'and this' }])).toBe('look at this\nand this');
    expect(contentText(null)).toBe('');
  });

  it('has no last user text for a system-only request', () => {
    expect(lastUserText(turnsOf([{ role: 'system', content: 'You are a pirate' }]))).toBe('');
    expect(routingWindow(turnsOf([{ role: 'system', content: 'You are a pirate' }]))).toBeNull();
  });

  it('weights the newest user turn 1, older ones less, the system prompt weakly; the text is oldest first', () => {
    const turns = turnsOf([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'u1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'u2' },
      { role: 'user', content: 'u3' },
      { role: 'user', content: 'u4' },
    ]);
    const w = routingWindow(turns, { shortTurnChars: 40, windowTurns: 3, systemWeight: 0.25 });
    expect(w?.parts.map((p) => p.text)).toEqual(['u4', 'u3', 'u2', 'sys']);
    expect(w?.parts.map((p) => p.weight)).toEqual([1, 0.6, 0.36, 0.25].map((x) => expect.closeTo(x, 10)));
    expect(w).toMatchObject({ text: 'u2\nu3\nu4', turns: 3 });
    expect(routingWindow(turnsOf([{ role: 'user', content: 'only' }]))).toBeNull();
  });

  it('takes the newest user turn out of a window for the turns before it, never leaving the system prompt alone', () => {
    const turns = turnsOf([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'u1 line one\nline two' },
      { role: 'user', content: 'u2' },
      { role: 'user', content: 'ok\ncommit it' },
    ]);
    const w = routingWindow(turns, { shortTurnChars: 40, windowTurns: 3, systemWeight: 0.25 });
    const earlier = w === null ? null : earlierTurns(w);
    expect(earlier?.parts.map((p) => p.text)).toEqual(['u2', 'u1 line one\nline two', 'sys']);
    expect(earlier?.parts.map((p) => p.weight)).toEqual([1, 0.6, 0.25 / 0.6].map((x) => expect.closeTo(x, 10)));
    expect(earlier).toMatchObject({ text: 'u1 line one\nline two\nu2', turns: 2 });
    const single = routingWindow(turnsOf([{ role: 'system', content: 'sys' }, { role: 'user', content: 'commit it' }]));
    expect(single === null ? 'no window' : earlierTurns(single)).toBeNull();
  });

  it('mixes unit vectors into a unit vector', () => {
    const v = mixVectors([new Float32Array([1, 0]), new Float32Array([0, 1])], [1, 1]);
    expect(v[0]).toBeCloseTo(Math.SQRT1_2);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2);
  });
});
