import { isIPv6 } from 'node:net';

/**
 * PII redaction before a prompt's text is stored. Documented patterns, not a library: the npm
 * candidates we tried (2026-11) either missed e-mail addresses, IPs and German IBANs while
 * redacting plain English words (@openredaction/core 1.1.5), or knew only US phones and cards and
 * carried a network hook (@redactpii/node 1.0.17). Each kind below has its tests in redact.test.ts.
 *
 * | kind   | what                                                                 | check           |
 * |--------|----------------------------------------------------------------------|-----------------|
 * | secret | JWTs; `Bearer`/`Basic` credentials; provider key prefixes (sk-, ghp_, github_pat_, xox?-, AKIA/ASIA, AIza, hf_, glpat-, npm_); the value of `api_key=`, `token:`, `password=`…; 32+ character letter-and-digit runs | — |
 * | email  | local@domain.tld                                                     | —               |
 * | iban   | 2 letters, 2 digits, 11–30 letters/digits (spaces allowed)           | ISO 13616 mod 97 |
 * | card   | 13–19 digits, spaces or dashes between groups                        | Luhn            |
 * | ip     | IPv4 dotted quads; IPv6 (node:net isIPv6 on hex-and-colon runs)      | —               |
 * | phone  | +CC or 00CC international numbers; (area) numbers; NANP 3-3-4; trunk-0 numbers in groups (06 12 34 56 78, 020 7946 0958) | 8–15 digits |
 *
 * Order matters: secrets first (a token can hold an e-mail-like or digit run), then e-mail, IBAN
 * and card before phone, so a card number is not half-eaten as a phone number.
 */
export type PiiKind = 'secret' | 'email' | 'iban' | 'card' | 'ip' | 'phone';

export interface Redaction {
  readonly text: string;
  /** How many spans of each kind were replaced. */
  readonly found: Readonly<Record<PiiKind, number>>;
}

/** Texts longer than this are cut (at a word boundary) before redaction: a report needs no more. */
export const MAX_KEPT_CHARS = 2_000;

const KEY_PREFIXES = /\b(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}|sk_(?:live|test)_[A-Za-z0-9]{16,}|[pr]k_(?:live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36})/g;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9._~+/-]{8,}=*/gi;
const ASSIGNED_SECRET = /\b((?:api|access|secret|private|client)[_-]?(?:key|secret|token)|token|password|passwd|pwd|secret)(["']?\s*[:=]\s*["']?)[^\s"',;]{6,}/gi;
const LONG_TOKEN = /\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b/g;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d.])/g;
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;
const PHONES = [
  /(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w])/g,
  /(?<!\w)\(\d{2,5}\)[ .-]?\d{2,4}(?:[ .-]?\d{2,4}){1,2}(?!\w)/g,
  /(?<![\w.-])\d{3}[ .-]\d{3}[ .-]\d{4}(?![\w.-])/g,
  /(?<![\w.-])0\d(?:[ .-]?\d{2}){4}(?![\w.-])/g,
  /(?<![\w.-])0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}(?![\w.-])/g,
];

/** Replaces every PII span with `[KIND]`; see the table above for what counts. */
export function redactPii(input: string): Redaction {
  const found: Record<PiiKind, number> = { secret: 0, email: 0, iban: 0, card: 0, ip: 0, phone: 0 };
  const swap = (text: string, pattern: RegExp, kind: PiiKind, keep?: (m: string) => boolean, replace?: (m: string, ...groups: string[]) => string): string =>
    text.replace(pattern, (m: string, ...rest: unknown[]) => {
      if (keep && !keep(m)) return m;
      found[kind] += 1;
      return replace ? replace(m, ...rest.filter((x): x is string => typeof x === 'string')) : `[${kind.toUpperCase()}]`;
    });
  let text = swap(input, JWT, 'secret');
  text = swap(text, KEY_PREFIXES, 'secret');
  text = swap(text, AUTH_SCHEME, 'secret', undefined, (_m, scheme = '', space = ' ') => `${scheme}${space}[SECRET]`);
  text = swap(text, ASSIGNED_SECRET, 'secret', undefined, (_m, name = '', sep = '=') => `${name}${sep}[SECRET]`);
  text = swap(text, EMAIL, 'email');
  text = text.replace(IBAN, (m) => {
    const iban = longestValidIban(m);
    if (iban === null) return m;
    found.iban += 1;
    return `[IBAN]${m.slice(iban.length)}`;
  });
  text = swap(text, CARD, 'card', (m) => passesLuhn(m.replace(/\D/g, '')));
  text = swap(text, LONG_TOKEN, 'secret');
  text = swap(text, IPV4, 'ip');
  text = swap(text, IPV6, 'ip', (m) => /[0-9A-Fa-f]/.test(m) && isIPv6(m));
  for (const phone of PHONES) text = swap(text, phone, 'phone', (m) => digitCount(m) >= 8 && digitCount(m) <= 15);
  return { text, found };
}

/** The text as it may be stored: cut to `maxChars` at a word boundary, then redacted. */
export function textToKeep(text: string, maxChars = MAX_KEPT_CHARS): string {
  if (text.length <= maxChars) return redactPii(text).text;
  const cut = text.slice(0, maxChars);
  const lastSpace = cut.search(/\s\S*$/);
  return `${redactPii(lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut).text} …`;
}

/** Luhn (ISO/IEC 7812-1) check digit over a digit string. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616: move the first four characters to the end, letters to 10..35, the number mod 97 must be 1. */
export function isValidIban(candidate: string): boolean {
  const iban = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  let rest = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const value = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

/** The pattern may run into a following capitalised word ("… 3000 AND"); take the longest valid prefix. */
function longestValidIban(match: string): string | null {
  for (let end = match.length; end >= 15; end--) {
    const prefix = match.slice(0, end);
    if (!prefix.endsWith(' ') && isValidIban(prefix)) return prefix;
  }
  return null;
}

function digitCount(s: string): number {
  return s.replace(/\D/g, '').length;
}
