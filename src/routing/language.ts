import { eld } from 'eld/small';

/** What the active embedder reads (embedding/languages.ts says which). */
export interface LanguageSupport {
  /** ISO 639-1 codes. */
  readonly languages: readonly string[];
  /** Reads any language: no check at all. */
  readonly multilingual: boolean;
}

/** ISO 639-1 code, or 'und' when the text does not say (too short, mixed, symbols only). */
export type DetectedLanguage = string;

/** Only the start of a prompt is looked at: detection cost stays flat whatever the prompt's size. */
const MAX_CHARS = 1000;
/** Fewer Latin words than this leave the decision to the script alone. */
const MIN_LATIN_WORDS = 3;
/** Plain-ASCII prose shorter than this is not judged ("flip a coin" reads as Romanian to ELD). */
const MIN_ASCII_WORDS = 6;
/** Function words that are English and (almost) no other Latin-script language's. */
const ENGLISH_WORDS = new Set(
  ('the my you your what how why when where who which please and of with can do does did it this that for are have has not should would ' +
    'could will from about there they we our she his her if or but at by an be been just want need get tell me i').split(' '),
);

/**
 * Words that make a prompt an English request about a passage in another language ("Translate to
 * English: 今日は…", "Please translate: Ich habe…"): no other Latin-script language spells them so.
 */
const TRANSLATION_CUES = new Set(['translate', 'translated', 'translating', 'translation', 'english']);

/** Letters of scripts whose language the script itself names well enough for this check. */
const SCRIPTS: readonly { language: string; pattern: RegExp }[] = [
  { language: 'ja', pattern: /[\p{Script=Hiragana}\p{Script=Katakana}]/gu },
  { language: 'ko', pattern: /\p{Script=Hangul}/gu },
  { language: 'zh', pattern: /\p{Script=Han}/gu },
  { language: 'ru', pattern: /\p{Script=Cyrillic}/gu },
  { language: 'ar', pattern: /\p{Script=Arabic}/gu },
];

/**
 * Quoted passages and code are what a prompt is *about* ("translate «…» into English"), not the
 * language it is written in, so they are dropped before detection.
 */
export function proseOf(text: string): string {
  return text
    .slice(0, MAX_CHARS)
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/"[^"]*"|“[^”]*”|«[^»]*»|„[^“”]*[“”]|「[^」]*」|『[^』]*』/g, ' ');
}

/**
 * The language a prompt is written in. CJK, Cyrillic and Arabic are told by their script when the
 * prose holds fewer than three Latin words (Japanese wins over Han when kana appear); Latin-script
 * prose goes to ELD (Nito-ELD, Apache-2.0, n-gram model), and only a result ELD itself calls
 * reliable counts. Short English is the risk (a misread makes English traffic uncovered), so two
 * guards come first: prose where English function words make up a fifth (and at least two) is
 * English, and plain-ASCII prose under six words is not judged. Measured figures: README, Languages.
 */
export function detectLanguage(text: string): DetectedLanguage {
  const prose = proseOf(text);
  const latin = prose.match(/\p{Script=Latin}+/gu) ?? [];
  // An unquoted passage after an English request to translate it is what the prompt is about.
  if (latin.some((w) => TRANSLATION_CUES.has(w.toLowerCase()))) return 'en';
  const words = latin.filter((w) => w.length >= 2).length;
  // Written in English about a foreign passage ("Translate this: 我们…") is English.
  const byLatin = words >= MIN_LATIN_WORDS ? judgeLatin(latin) : 'und';
  if (byLatin === 'en') return 'en';
  return dominantScript(prose) ?? byLatin;
}

/** The language of Latin-script words: English function words first, then ELD when long or accented enough. */
function judgeLatin(latin: readonly string[]): DetectedLanguage {
  const words = latin.map((w) => w.toLowerCase());
  const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
  if (english >= 2 && english >= 0.2 * words.length) return 'en';
  const joined = words.join(' ');
  if (words.length < MIN_ASCII_WORDS && !/[^\x00-\x7F]/.test(joined)) return 'und';
  const result = eld.detect(joined);
  return result.language !== '' && result.isReliable() ? result.language : 'und';
}

function dominantScript(prose: string): string | null {
  let best: { language: string; count: number } | null = null;
  for (const { language, pattern } of SCRIPTS) {
    const count = prose.match(pattern)?.length ?? 0;
    // Kana mark Japanese even when Han characters outnumber them.
    if (language === 'ja' && count > 0) return 'ja';
    if (count > 0 && (!best || count > best.count)) best = { language, count };
  }
  return best?.language ?? null;
}

/** True when the embedder reads the prompt's language, or the language cannot be told. */
export function readsLanguage(support: LanguageSupport, language: DetectedLanguage): boolean {
  return support.multilingual || language === 'und' || support.languages.includes(language);
}
