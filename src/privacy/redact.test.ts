import { describe, expect, it } from 'vitest';
import { isValidIban, MAX_KEPT_CHARS, passesLuhn, redactPii, textToKeep } from './redact.js';

const redact = (s: string) => redactPii(s).text;

describe('redactPii', () => {
  it('redacts e-mail addresses', () => {
    expect(redact('mail jane.doe+orders@example.co.uk today')).toBe('mail [EMAIL] today');
    expect(redact('write to müller@bäckerei.de')).toBe('write to [EMAIL]');
  });

  it('redacts card numbers that pass Luhn, with or without separators, and leaves other digit runs', () => {
    expect(redact('my card is 4111 1111 1111 1111 exp 12/27')).toBe('my card is [CARD] exp 12/27');
    expect(redact('amex 3782-822463-10005')).toBe('amex [CARD]');
    expect(redact('card 5555555555554444.')).toBe('card [CARD].');
    // One digit off: fails Luhn, so it is not a card (and too long for a phone number).
    expect(redact('order 4111 1111 1111 1112')).toBe('order 4111 1111 1111 1112');
    expect(redactPii('4111111111111111').found.card).toBe(1);
  });

  it('redacts IBANs that pass the mod-97 check, spaced or not, and stops before a following word', () => {
    expect(redact('IBAN DE89 3704 0044 0532 0130 00 please')).toBe('IBAN [IBAN] please');
    expect(redact('to GB82WEST12345698765432 AND back')).toBe('to [IBAN] AND back');
    expect(redact('not GB00WEST12345698765432')).toBe('not GB00WEST12345698765432');
  });

  it('redacts phone numbers in international, NANP and European national formats', () => {
    expect(redact('call +44 20 7946 0958 now')).toBe('call [PHONE] now');
    expect(redact('or (415) 555-2671')).toBe('or [PHONE]');
    expect(redact('or 415-555-2671')).toBe('or [PHONE]');
    expect(redact('or 06 12 34 56 78')).toBe('or [PHONE]');
    expect(redact('or 0033 6 12 34 56 78')).toBe('or [PHONE]');
    expect(redact('or 07700 900123')).toBe('or [PHONE]');
  });

  it('redacts IPv4 and IPv6 addresses', () => {
    expect(redact('server 192.168.1.20 and 2001:db8::1 up')).toBe('server [IP] and [IP] up');
    expect(redact('fe80::1ff:fe23:4567:890a%')).toBe('[IP]%');
  });

  it('redacts API keys and tokens, keeping the name of an assigned secret', () => {
    expect(redact('key sk-proj-abcDEF1234567890abcdefGHIJKL')).toBe('key [SECRET]');
    expect(redact('ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('[SECRET]');
    expect(redact('AKIAIOSFODNN7EXAMPLE')).toBe('[SECRET]');
    expect(redact('Authorization: Bearer abc.def-ghi_jkl123')).toBe('Authorization: Bearer [SECRET]');
    expect(redact('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123def456')).toBe('jwt [SECRET]');
    expect(redact('api_key="p4ssw0rd-value"')).toBe('api_key="[SECRET]"');
    expect(redact('password: hunter22')).toBe('password: [SECRET]');
    expect(redact('commit 9f41c43e8a1d2b3c4d5e6f708192a3b4c5d6e7f8')).toBe('commit [SECRET]');
  });

  it('leaves everyday prompts alone: dates, times, versions with three parts, small numbers', () => {
    const prompts = [
      'How often should I water a fiddle leaf fig?',
      'Repot my orchid on 2024-03-15 at 10:30:00, 3 times a week for 45 minutes',
      'Upgrade from version 1.2.3 to 2.0.0 and fix error 404',
      'What is 123456 * 789?',
      'Solve x^2 - 5x + 6 = 0',
    ];
    for (const p of prompts) expect(redact(p)).toBe(p);
  });
});

describe('check digits', () => {
  it('Luhn accepts known test numbers and rejects a changed digit', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('378282246310005')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesLuhn('1234')).toBe(false);
  });

  it('IBAN mod 97 accepts the ISO examples and rejects a changed check digit', () => {
    expect(isValidIban('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(isValidIban('FR1420041010050500013M02606')).toBe(true);
    expect(isValidIban('DE88 3704 0044 0532 0130 00')).toBe(false);
  });
});

describe('textToKeep', () => {
  it('cuts long texts at a word boundary before redacting, so the stored text stays bounded', () => {
    const long = `${'word '.repeat(1000)}mail a@b.io`;
    const kept = textToKeep(`a@b.io ${long}`);
    expect(kept.length).toBeLessThanOrEqual(MAX_KEPT_CHARS + 2);
    expect(kept.startsWith('[EMAIL] word')).toBe(true);
    expect(kept.endsWith(' …')).toBe(true);
  });
});
