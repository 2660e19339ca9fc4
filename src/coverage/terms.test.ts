import { describe, expect, it } from 'vitest';
import { distinctiveTerms, nameFromTerms, tokenize } from './terms.js';

describe('distinctive terms', () => {
  it('drops function words and request boilerplate', () => {
    expect(tokenize("Please tell me how I can renew my passport, it's urgent")).toEqual(['renew', 'passport', 'urgent']);
    // Vague words make names like "adding_cream_creamy_without" or "beginner_many_rest".
    expect(tokenize('How many rest days should a beginner take? Keep risotto creamy without cream')).toEqual(['rest', 'days', 'beginner', 'take', 'keep', 'risotto', 'creamy', 'cream']);
  });

  it('ranks what a class says more than the others, not what everyone says', () => {
    const [passport, card] = distinctiveTerms([
      { texts: ['How do I renew my passport', 'Passport renewal fees please', 'Where to renew an expired passport'] },
      { texts: ['My card was declined', 'Why was my card declined at the shop', 'Card declined online, what now'] },
      { texts: ['Write a function to renew a token', 'Help me write a function'] },
    ]);
    expect(passport?.[0]?.term).toBe('passport');
    expect(card?.map((t) => t.term)).toContain('card declined');
    expect(nameFromTerms(card ?? [])).toMatch(/^card_declined/);
  });

  it('needs a term in two texts of the class before it can name it', () => {
    const [only] = distinctiveTerms([{ texts: ['zebra crossing rules', 'traffic rules for cyclists'] }]);
    expect(only?.map((t) => t.term)).toEqual(['rules']);
    expect(nameFromTerms([])).toBeNull();
  });
});

describe('nameFromText (a candidate whose terms name nothing)', () => {
  it('names it from its first member text, in any script; null only without text', async () => {
    const { nameFromText } = await import('./candidates.js');
    expect(nameFromText('How do I  repot an orchid?')).toBe('how_do_i');
    expect(nameFromText('東京で一番おいしいラーメン屋はどこですか')).toBe('東京で一番おいしいラーメ');
    expect(nameFromText('')).toBeNull();
    expect(nameFromText(undefined)).toBeNull();
  });
});
