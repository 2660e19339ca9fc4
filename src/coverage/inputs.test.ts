import { describe, expect, it } from 'vitest';
import { parsePromptFile } from './prompt-file.js';
import { resolveSince, SinceSchema } from './window.js';

describe('parsePromptFile', () => {
  it('reads one prompt a line, skipping blank lines and ignoring other fields', () => {
    expect(parsePromptFile('{"prompt": "a"}\n\n{"prompt": "b", "id": 7}\n')).toEqual({ ok: true, prompts: ['a', 'b'] });
  });

  it('reports every bad line by number and returns no prompts', () => {
    const result = parsePromptFile('{"prompt": "ok"}\n{nope\n{"text": "x"}\n{"prompt": "  "}\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(result.errors[0]?.reason).toMatch(/not valid JSON/);
    expect(result.errors[1]?.reason).toMatch(/^prompt:/);
  });
});

describe('the report window', () => {
  const now = new Date('2025-03-14T12:00:00.000Z');

  it('accepts a date, a date-time or a span back from now', () => {
    expect(resolveSince('2025-03-01', now)).toBe('2025-03-01T00:00:00.000Z');
    expect(resolveSince('2025-03-01T06:30:00+01:00', now)).toBe('2025-03-01T05:30:00.000Z');
    expect(resolveSince('7d', now)).toBe('2025-03-07T12:00:00.000Z');
    expect(resolveSince('2w', now)).toBe('2025-02-28T12:00:00.000Z');
    expect(resolveSince('12h', now)).toBe('2025-03-14T00:00:00.000Z');
    expect(resolveSince(undefined, now)).toBe('2025-02-12T12:00:00.000Z');
  });

  it('rejects anything else', () => {
    for (const bad of ['yesterday', '2025-13-45', '7', '-3d', '']) expect(SinceSchema.safeParse(bad).success).toBe(false);
  });
});
