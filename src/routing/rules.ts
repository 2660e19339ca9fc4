import type { Rule } from '../config/schema.js';
import type { ExcludedModel } from './types.js';

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

/** A pinned model the decision could not use, and why (it is reported, never dropped silently). */
export interface IgnoredPin {
  readonly rule: string;
  readonly model: string;
  readonly reason: string;
}

/**
 * Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar), and
 * Korean, whose particles attach to the word (계약서를): a keyword in them is found anywhere in the
 * text, the way a reader of those languages searches. Script_Extensions so that marks shared by
 * kana (ー) count too.
 */
const UNSPACED = String.raw`\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}\p{scx=Hangul}`;
/** A word character of a spaced script: what must not touch a Latin, Cyrillic, Greek… keyword. */
const SPACED_WORD = String.raw`[[\p{L}\p{N}\p{M}]--[${UNSPACED}]]`;
const UNSPACED_RE = new RegExp(`^[${UNSPACED}]$`, 'v');

export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map((rule) => ({
    rule,
    ...(rule.when.pattern !== undefined ? { pattern: new RegExp(rule.when.pattern, 'iu') } : {}),
    ...(rule.when.keywords !== undefined ? { keywords: keywordPattern(rule.when.keywords) } : {}),
  }));
}

/**
 * Case-insensitive; a keyword's end that is not in an unspaced script must sit at a word boundary
 * ("contract" does not fire on "contractor"), while an end in an unspaced script may touch anything
 * ("合同" fires inside "请审核这份合同的条款"). A spaced keyword next to unspaced text still fires.
 */
export function keywordPattern(keywords: readonly string[]): RegExp {
  const alternatives = keywords.map((k) => {
    const first = [...k][0] ?? '';
    const last = [...k].at(-1) ?? '';
    return `${UNSPACED_RE.test(first) ? '' : `(?<!${SPACED_WORD})`}${escape(k)}${UNSPACED_RE.test(last) ? '' : `(?!${SPACED_WORD})`}`;
  });
  return new RegExp(alternatives.join('|'), 'iv');
}

/** Every rule whose conditions all hold, in config order. Pure. */
export function matchingRules(rules: readonly CompiledRule[], ctx: RuleContext): Rule[] {
  return rules.filter((r) => matches(r, ctx)).map((r) => r.rule);
}

/** The first rule whose conditions all hold, or null. Pure. */
export function firstMatchingRule(rules: readonly CompiledRule[], ctx: RuleContext): Rule | null {
  return rules.find((r) => matches(r, ctx))?.rule ?? null;
}

/**
 * The matching rules as one: the first pin and the first costWeight win (config order), and every
 * exclusion applies, so a free-tier rule still excludes the premium model that an earlier rule pins.
 * Named after the first matching rule.
 */
export function composeRules(matched: readonly Rule[]): Rule | null {
  const [first] = matched;
  if (!first) return null;
  const pin = matched.find((r) => r.then.pin !== undefined)?.then.pin;
  const costWeight = matched.find((r) => r.then.costWeight !== undefined)?.then.costWeight;
  const exclude = [...new Set(matched.flatMap((r) => r.then.exclude ?? []))];
  return {
    name: first.name,
    when: first.when,
    then: { ...(pin !== undefined ? { pin } : {}), ...(exclude.length > 0 ? { exclude } : {}), ...(costWeight !== undefined ? { costWeight } : {}) },
  };
}

const WHY: Record<ExcludedModel['why'], string> = {
  not_allowed: "it is not in the request's models allow-list",
  over_max_price: "it is over the request's maxPricePer1M",
  context_too_small: 'its context window is too small for this prompt',
  excluded_by_rule: 'a rule excludes it',
};

/** When a matching rule pins a model that the decision did not take, which rule and why. */
export function ignoredPin(matched: readonly Rule[], chosen: string | null, excluded: readonly ExcludedModel[]): IgnoredPin | null {
  const pinning = matched.find((r) => r.then.pin !== undefined);
  const model = pinning?.then.pin;
  if (!pinning || model === undefined || model === chosen) return null;
  const excluder = matched.find((r) => r.then.exclude?.includes(model));
  const why = excluded.find((e) => e.model === model)?.why;
  const reason = excluder ? `rule '${excluder.name}' excludes it` : why ? WHY[why] : 'it is not eligible for this request';
  return { rule: pinning.name, model, reason };
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

/** Escapes for a `v`-flag pattern; runs of whitespace in a phrase match any whitespace. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/\s+/g, '\\s+');
}
