import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';

/** A bad input line: the message and the details both say `file:line: reason`. */
export function lineError(file: string, line: number, reason: string): AppError {
  return new AppError('VALIDATION_FAILED', `${file}:${line}: ${reason}`, [{ path: `${file}:${line}`, message: reason }]);
}

/** zod issues as one readable reason: `path: message; …`. */
export function zodReason(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(line)'}: ${i.message}`).join('; ');
}

/** Parses with a zod schema, or throws a line error naming the file, the line and every issue. */
export function parseAt<T>(schema: z.ZodType<T>, value: unknown, at: { file: string; line: number }): T {
  const result = schema.safeParse(value);
  if (!result.success) throw lineError(at.file, at.line, zodReason(result.error));
  return result.data;
}
