import { createHash } from 'node:crypto';

/** Same text, same hash: whitespace runs and Unicode forms do not make a new reference. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text.normalize('NFC').trim().replace(/\s+/g, ' ')).digest('hex');
}
