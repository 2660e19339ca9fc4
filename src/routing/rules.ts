import type { Rule } from '../config/schema.js';

export interface RuleContext {
  readonly prompt: string;
  readonly promptTokens: number;
  readonly tier?: string;
  readonly tags?: readonly string[];
}

/** Rules with their patterns compiled once; built when the config is (re)loaded. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly pattern?: RegExp;
  readonly keywords?: RegExp;
}

export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map((rule) => ({
    rule,
    ...(rule.when.pattern !== undefined ? { pattern: new RegExp(rule.when.pattern, 'iu') } : {}),
    ...(rule.when.keywords !== undefined ? { keywords: new RegExp(`(?<![\\p{L}\\p{N}])(?:${rule.when.keywords.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'iu') } : {}),
  }));
}

/** The first rule whose conditions all hold, or null. Pure. */
export function firstMatchingRule(rules: readonly CompiledRule[], ctx: RuleContext): Rule | null {
  return rules.find((r) => matches(r, ctx))?.rule ?? null;
}

function matches({ rule, pattern, keywords }: CompiledRule, ctx: RuleContext): boolean {
  const w = rule.when;
  if (pattern && !pattern.test(ctx.prompt)) return false;
  if (keywords && !keywords.test(ctx.prompt)) return false;
  if (w.minTokens !== undefined && ctx.promptTokens < w.minTokens) return false;
  if (w.maxTokens !== undefined && ctx.promptTokens > w.maxTokens) return false;
  if (w.tier && (ctx.tier === undefined || !w.tier.includes(ctx.tier))) return false;
  if (w.tags && !w.tags.some((t) => ctx.tags?.includes(t))) return false;
  return true;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}
