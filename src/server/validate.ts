import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { issuePhrase, issueSentence } from '../shared/issue-messages.js';
import type { AppEnv } from './env.js';

/** Reads the JSON body and parses it with the schema; every issue comes back with its path. */
export async function parseJsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError('VALIDATION_FAILED', 'request body must be valid JSON (content-type: application/json)');
  }
  return parseWith(schema, body, 'request body');
}

/** Parses with our sentence-style messages (shared/issue-messages.ts) where a schema sets none of its own. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value, { error: issueSentence });
  if (result.success) return result.data;
  const paths = result.error.issues.map((i) => i.path.map(String).join('.'));
  const phrases = result.error.issues.map((i, n) => issuePhrase(what, paths[n] ?? '', i.message));
  // Issues about the whole value already name it ("query has an unknown field: …"): no "is invalid:" before them.
  const detail = paths.every((p) => p === '') ? phrases.join('; ') : `${what} is invalid: ${phrases.join('; ')}`;
  const details = result.error.issues.map((i, n) => ({ path: paths[n] || '(root)', message: i.message }));
  throw new AppError('VALIDATION_FAILED', detail, details);
}
