import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyHttp, classifyStreamBreak, classifyStreamEvent, classifyTransport, retryAfterMs, VERDICT_TABLE } from './verdict.js';

const http = (status: number, headers: Record<string, string> = {}, bodyText = '') => classifyHttp({ status, headers, bodyText });

describe('classifyHttp', () => {
  it('turns each status family into its verdict', () => {
    expect(http(429, { 'retry-after': '5' })).toEqual({ kind: 'retry_after', ms: 5000 });
    expect(http(503, { 'retry-after-ms': '250' })).toEqual({ kind: 'retry_after', ms: 250 });
    expect(http(429).kind).toBe('transient');
    expect(http(500).kind).toBe('transient');
    expect(http(408).kind).toBe('transient');
    expect(http(401)).toEqual({ kind: 'deployment_fault', status: 401 });
    expect(http(404)).toEqual({ kind: 'deployment_fault', status: 404 });
    expect(http(400, {}, JSON.stringify({ error: { code: 'context_length_exceeded', message: 'too long' } }))).toEqual({ kind: 'context_too_long' });
    expect(http(400, {}, JSON.stringify({ error: { code: 'invalid_value', message: 'mentions context_length_exceeded' } }))).toEqual({ kind: 'caller_fault', status: 400 });
    expect(http(422)).toEqual({ kind: 'caller_fault', status: 422 });
  });

  it('reads Retry-After as seconds or an HTTP date, and caps it at ten minutes', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfterMs({ 'retry-after': 'Mon, 30 Nov 2026 12:00:07 GMT' }, now)).toBe(7000);
    expect(retryAfterMs({ 'retry-after': '86400' }, now)).toBe(600_000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });
});

describe("README's error taxonomy", () => {
  it('is this module\'s table, row for row', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [kind, rule] of Object.entries(VERDICT_TABLE)) {
      expect(readme).toContain(`| \`${kind}\` | ${rule.when} | ${rule.routed} | ${rule.named} | ${rule.cooldown ? 'yes' : 'no'} |`);
    }
  });
});

describe('stream verdicts', () => {
  it('commits on the first content, fails on an error event or an early end, and tells a break after content apart', () => {
    expect(classifyStreamEvent({ error: false, content: false })).toBeUndefined();
    expect(classifyStreamEvent({ error: false, content: true })).toEqual({ kind: 'ok' });
    expect(classifyStreamEvent({ error: true, content: false })?.kind).toBe('stream_failed_before_content');
    expect(classifyStreamEvent(null)?.kind).toBe('stream_failed_before_content');
    const timeout = Object.assign(new Error('gap'), { name: 'BodyTimeoutError' });
    expect(classifyStreamBreak(timeout, { clientGone: false, contentSent: true })).toEqual({ kind: 'stream_broken', reason: 'timeout' });
    expect(classifyStreamBreak(timeout, { clientGone: false, contentSent: false }).kind).toBe('stream_failed_before_content');
    expect(classifyStreamBreak(timeout, { clientGone: true, contentSent: true })).toEqual({ kind: 'cancelled' });
    expect(classifyTransport(new Error('ECONNREFUSED'), false)).toEqual({ kind: 'transient', reason: 'connection error' });
  });
});
