import { describe, expect, it } from 'vitest';
import { RuleSchema, type Rule } from '../config/schema.js';
import { compileRules, firstMatchingRule } from './rules.js';

const rule = (r: unknown): Rule => RuleSchema.parse(r);
const RULES = compileRules([
  rule({ name: 'legal', when: { keywords: ['contract', 'non-disclosure agreement'] }, then: { pin: 'premium' } }),
  rule({ name: 'free-tier', when: { tier: ['free'] }, then: { exclude: ['premium'], costWeight: 1 } }),
  rule({ name: 'long', when: { minTokens: 1000 }, then: { exclude: ['budget'] } }),
  rule({ name: 'sql-for-vip', when: { pattern: '\\bselect\\b.+\\bfrom\\b', tags: ['vip'] }, then: { pin: 'mid' } }),
]);

function match(prompt: string, extra: { tier?: string; tags?: string[]; promptTokens?: number } = {}): string | null {
  return firstMatchingRule(RULES, { prompt, promptTokens: extra.promptTokens ?? 10, ...extra })?.name ?? null;
}

describe('firstMatchingRule', () => {
  it('matches keywords as whole words, case-insensitively, phrases included', () => {
    expect(match('Review this CONTRACT for risks')).toBe('legal');
    expect(match('Draft a non-disclosure   agreement')).toBe('legal');
    expect(match('The contractor was late')).toBeNull();
  });

  it('matches request metadata and token counts', () => {
    expect(match('hello', { tier: 'free' })).toBe('free-tier');
    expect(match('hello', { tier: 'pro' })).toBeNull();
    expect(match('hello', { promptTokens: 5000 })).toBe('long');
  });

  it('needs every condition of a rule, and the first matching rule wins', () => {
    expect(match('select name from users', { tags: ['vip'] })).toBe('sql-for-vip');
    expect(match('select name from users')).toBeNull();
    expect(match('contract terms', { tier: 'free' })).toBe('legal');
  });
});

describe('RuleSchema', () => {
  it('rejects rules without conditions or actions, and bad patterns', () => {
    expect(RuleSchema.safeParse({ name: 'x', when: {}, then: { pin: 'a' } }).success).toBe(false);
    expect(RuleSchema.safeParse({ name: 'x', when: { tier: ['a'] }, then: {} }).success).toBe(false);
    expect(RuleSchema.safeParse({ name: 'x', when: { pattern: '(' }, then: { pin: 'a' } }).success).toBe(false);
  });
});
