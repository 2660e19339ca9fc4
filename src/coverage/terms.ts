/**
 * Names for candidate intents from their most distinctive terms: class-based TF-IDF (as in
 * BERTopic), where each candidate cluster is one class and each known intent (its reference texts)
 * is another, so a term common to everything ("please", "my") or typical of a known intent scores
 * low, and a term the cluster uses much more than anyone else scores high.
 */

/** Function words and request boilerplate that say nothing about what is asked. */
const STOPWORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with from about as into over after before under ' +
    'is are was were be been being am do does did doing have has had having can could will would shall should may might must ' +
    'i me my mine myself we us our ours you your yours he him his she her hers it its they them their theirs ' +
    'this that these those there here what which who whom whose when where why how ' +
    'not no nor so too very just also only than such both each few more most other some any all own same ' +
    'up down out off again further once please tell know want need like get give let make help thanks thank ' +
    "im ive id youre dont doesnt didnt cant wont isnt arent whats hows thats it's i'm don't can't won't " +
    // Vague words that name no topic ("adding_cream_creamy_without", "beginner_many_rest" before).
    'without within between through during while until ever really still even much many often always never sometimes ' +
    'every something anything someone way ways best better good wrong now'
  ).split(/\s+/),
);

const BIGRAM_BOOST = 1.25;

/** Lower-case word tokens of 2+ letters (digits allowed after the first), minus stopwords. */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().normalize('NFKC').match(/\p{L}[\p{L}\p{N}'_-]*/gu) ?? [];
  return words.map((w) => w.replace(/'s$/, '').replace(/['_-]+$/, '')).filter((w) => w.length >= 2 && !STOPWORDS.has(w));
}

/** Unigrams and adjacent bigrams of the content words. */
function termsOf(text: string): string[] {
  const words = tokenize(text);
  const bigrams = words.slice(1).map((w, i) => `${words[i] ?? ''} ${w}`);
  return [...words, ...bigrams];
}

export interface TermClass {
  readonly texts: readonly string[];
}

export interface ScoredTerm {
  readonly term: string;
  readonly score: number;
}

/**
 * c-TF-IDF: W(t,c) = tf(t,c) / |c| × log(1 + A / f(t)), with A the mean number of terms per class
 * and f(t) the term's count over all classes. A term must occur in at least `minDocs` of the
 * class's texts (default: 2, or 1 for a single text), so one odd prompt does not name a cluster.
 * Returns the top terms per class; a term sharing a word with a higher-ranked one is dropped.
 */
export function distinctiveTerms(classes: readonly TermClass[], options: { top?: number; minDocs?: number } = {}): ScoredTerm[][] {
  const counts = classes.map((c) => countTerms(c.texts));
  const totalPerClass = counts.map((c) => [...c.values()].reduce((s, x) => s + x.count, 0));
  const overall = new Map<string, number>();
  for (const c of counts) for (const [t, x] of c) overall.set(t, (overall.get(t) ?? 0) + x.count);
  const avgTerms = totalPerClass.reduce((s, x) => s + x, 0) / Math.max(1, classes.length);
  return counts.map((c, i) => {
    const total = totalPerClass[i] ?? 0;
    const minDocs = options.minDocs ?? Math.min(2, classes[i]?.texts.length ?? 1);
    const scored: ScoredTerm[] = [];
    for (const [term, x] of c) {
      if (x.docs < minDocs || total === 0) continue;
      // A phrase as frequent as its words is the more specific name ("card declined" over "card").
      const phrase = term.includes(' ') ? BIGRAM_BOOST : 1;
      scored.push({ term, score: phrase * (x.count / total) * Math.log(1 + avgTerms / (overall.get(term) ?? 1)) });
    }
    scored.sort((a, b) => b.score - a.score || a.term.localeCompare(b.term));
    return preferBigrams(scored).slice(0, options.top ?? 5);
  });
}

function countTerms(texts: readonly string[]): Map<string, { count: number; docs: number }> {
  const out = new Map<string, { count: number; docs: number }>();
  for (const text of texts) {
    const terms = termsOf(text);
    for (const t of terms) {
      const x = out.get(t) ?? { count: 0, docs: 0 };
      x.count += 1;
      out.set(t, x);
    }
    for (const t of new Set(terms)) {
      const x = out.get(t);
      if (x) x.docs += 1;
    }
  }
  return out;
}

/** "credit score" after "credit" (or the reverse) repeats itself; keep only the higher-ranked. */
function preferBigrams(scored: readonly ScoredTerm[]): ScoredTerm[] {
  const out: ScoredTerm[] = [];
  for (const s of scored) {
    const words = s.term.split(' ');
    const overlaps = out.some((o) => {
      const ow = o.term.split(' ');
      return ow.some((w) => words.includes(w));
    });
    if (!overlaps) out.push(s);
  }
  return out;
}

/** A snake_case name like the reference intents', from the top two terms. */
export function nameFromTerms(terms: readonly ScoredTerm[]): string | null {
  const words = terms.slice(0, 2).flatMap((t) => t.term.split(' '));
  return words.length === 0 ? null : words.join('_').replace(/[^\p{L}\p{N}_]+/gu, '');
}
