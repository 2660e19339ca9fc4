import { z } from 'zod';
import { closestName } from './spelling.js';

/**
 * zod's default messages, rewritten as sentences a person can act on: "must be a number" instead of
 * "Invalid input: expected number, received NaN", "has the wrong format" instead of a regex source.
 * Passed as the per-parse error map (`safeParse(value, { error: issueSentence })`), so a message a
 * schema sets itself still wins. Returns undefined to keep zod's message for a kind not listed.
 */
export function issueSentence(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(String(issue.expected))}`;
    case 'too_small':
      return sizeSentence('at least', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return sizeSentence('at most', issue.origin, issue.maximum, issue.inclusive);
    case 'invalid_format':
      return issue.format === 'regex' ? 'has the wrong format' : `must be a valid ${FORMATS[issue.format] ?? issue.format}`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}`;
    case 'unrecognized_keys':
      return unknownKeysSentence(issue.keys, knownKeys(issue.inst));
    case 'invalid_union':
      return 'does not match any of the accepted shapes (see /docs)';
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_key':
      return 'has a key that is not valid';
    default:
      return undefined;
  }
}

/** "has an unknown field: promt (did you mean prompt?)"; "(check the spelling)" when no known key is close. */
function unknownKeysSentence(keys: readonly string[], known: readonly string[]): string {
  const suggested = keys.map((key) => ({ key, meant: closestName(key, known) }));
  const named = suggested.map(({ key, meant }) => (meant === undefined ? key : `${key} (did you mean ${meant}?)`)).join(', ');
  const hint = suggested.some(({ meant }) => meant !== undefined) ? '' : ' (check the spelling)';
  return `has ${keys.length === 1 ? 'an unknown field' : 'unknown fields'}: ${named}${hint}`;
}

/** The keys the object schema that raised the issue accepts (zod passes the schema to the error map as `inst`). */
export function knownKeys(inst: unknown): string[] {
  return inst instanceof z.ZodObject ? Object.keys(inst.shape) : [];
}

const FORMATS: Record<string, string> = { url: 'URL', email: 'e-mail address', uuid: 'UUID', datetime: 'ISO 8601 date-time' };

/**
 * One issue as a phrase: "prompt: is required", or, for an issue about the value as a whole (empty
 * path), the subject itself as the sentence's subject: "reference id must be a positive whole
 * number", never "(root): …".
 */
export function issuePhrase(subject: string, path: string, message: string): string {
  return path === '' ? `${subject} ${message}` : `${path}: ${message}`;
}

function article(type: string): string {
  if (type === 'int') return 'a whole number';
  if (type === 'array') return 'a list';
  if (type === 'object' || type === 'record') return 'an object (a JSON mapping)';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function sizeSentence(bound: 'at least' | 'at most', origin: string, limit: number | bigint, inclusive: boolean | undefined): string {
  const n = Number(limit);
  if (origin === 'string') return bound === 'at least' && n === 1 ? 'must not be empty' : `must be ${bound} ${n.toLocaleString('en-US')} characters long`;
  if (origin === 'array' || origin === 'set') return bound === 'at least' && n === 1 ? 'must not be empty' : `must have ${bound} ${n.toLocaleString('en-US')} items`;
  const strict = inclusive === false ? (bound === 'at least' ? 'greater than' : 'less than') : bound;
  return `must be ${strict} ${n}`;
}
