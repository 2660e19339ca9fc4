import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../test/helpers/test-deps.js';
import { detectLanguage, readsLanguage } from './language.js';

const lines = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8').split('\n').filter((l) => l.trim() !== '');
const promptsOf = (file: string) => lines(file).map((l) => (JSON.parse(l) as { prompt: string }).prompt);
const english = [
  ...readdirSync(path.join(PROJECT_ROOT, 'reference-prompts')).filter((f) => f.endsWith('.jsonl')).flatMap((f) => promptsOf(`reference-prompts/${f}`)),
  ...promptsOf('reference-prompts/background/everyday.jsonl'),
  ...promptsOf('test/fixtures/coverage-probes/off-topic.jsonl'),
  ...promptsOf('test/fixtures/coverage-probes/in-domain.jsonl'),
  'hi', 'ok', 'lol', 'thanks!', 'fix this', 'commit it', 'tl;dr', 'ping', 'I forgot my password', 'flip a coin', 'now add unit tests for it',
];

describe('detectLanguage', () => {
  it('never calls an English prompt of ours another language, short ones included', () => {
    const misread = english.filter((t) => !['en', 'und'].includes(detectLanguage(t)));
    expect(misread).toEqual([]);
  });

  it('tells French, Spanish, German, Italian, Portuguese and Dutch prompts apart from English', () => {
    const rows = lines('test/fixtures/languages/non-english.tsv').map((l) => l.split('\t'));
    const caught = rows.filter(([, text]) => detectLanguage(text ?? '') === rows.find((r) => r[1] === text)?.[0]);
    // Three short plain-ASCII prompts (under six words) are left undecided on purpose.
    expect(caught.length).toBeGreaterThanOrEqual(rows.length - 4);
  });

  it('tells CJK, Cyrillic and Arabic by their script, even with a Latin word inside', () => {
    expect(detectLanguage('Reactでカウンターを作る方法を教えてください')).toBe('ja');
    expect(detectLanguage('如何用Python读取CSV文件?')).toBe('zh');
    expect(detectLanguage('파이썬으로 파일을 읽는 방법')).toBe('ko');
    expect(detectLanguage('Как отсортировать список в Python?')).toBe('ru');
    expect(detectLanguage('كيف أكتب دالة في بايثون؟')).toBe('ar');
  });

  it('reads the request, not the quoted or unquoted passage it is about', () => {
    expect(['en', 'und']).toContain(detectLanguage('Translate into English: "Nous avons bien reçu votre demande."'));
    expect(detectLanguage('Translate this Chinese sentence into English: 我们下周一开会讨论新项目的预算。')).toBe('en');
    expect(detectLanguage('Traduis en anglais : "We received your request."')).not.toBe('en');
    // Unquoted, after a short English request (fewer than three Latin words of prose, or none of them function words).
    for (const t of ['Translate to English: 今日はとても暑いですね。', 'Please translate: 今日はとても暑いですね。', 'Translate into English: Где находится ближайшая станция метро?', 'Translate: Ich habe heute keine Zeit, morgen vielleicht.', 'Translation please: كيف حالك اليوم؟']) {
      expect(detectLanguage(t), t).toBe('en');
    }
    expect(detectLanguage('Traduis ce texte en anglais : Je voudrais réserver une table pour deux personnes ce soir.')).toBe('fr');
  });

  it('gives no verdict on symbols, numbers and empty text', () => {
    for (const t of ['', '   ', '42', '!!!', '```\nconst x = 1;\n```']) expect(detectLanguage(t)).toBe('und');
  });
});

describe('readsLanguage', () => {
  it('accepts declared languages and undecided text; a multilingual embedder accepts all', () => {
    const en = { languages: ['en'], multilingual: false };
    expect(readsLanguage(en, 'en')).toBe(true);
    expect(readsLanguage(en, 'und')).toBe(true);
    expect(readsLanguage(en, 'fr')).toBe(false);
    expect(readsLanguage({ languages: ['en'], multilingual: true }, 'fr')).toBe(true);
  });
});
