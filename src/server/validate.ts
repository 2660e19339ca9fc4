import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { issueSentence } from '../shared/issue-messages.js';
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
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  throw new AppError('VALIDATION_FAILED', `${what} is invalid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}
