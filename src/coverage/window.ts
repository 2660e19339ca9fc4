import { z } from 'zod';

const RELATIVE = /^(\d{1,4})([hdw])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HOUR_MS = 3_600_000;
const UNIT_MS = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS } as const;

/** Reports look back this far when no start is given. */
export const DEFAULT_WINDOW_DAYS = 30;

function isSince(value: string): boolean {
  if (RELATIVE.test(value)) return true;
  if (!DATE.test(value) && !/^\d{4}-\d{2}-\d{2}T/.test(value)) return false;
  return Number.isFinite(Date.parse(value));
}

/** `--since` and `?since=`: a date (UTC midnight), an ISO date-time, or a span back from now. */
export const SinceSchema = z.string().refine(isSince, 'expected a date (2025-01-31), an ISO date-time (2025-01-31T12:00:00Z) or a span back from now (12h, 7d, 4w)');

/** The window's start as an ISO string; `now` is passed in so this stays testable. */
export function resolveSince(value: string | undefined, now: Date): string {
  if (value === undefined) return new Date(now.getTime() - DEFAULT_WINDOW_DAYS * UNIT_MS.d).toISOString();
  const rel = RELATIVE.exec(value);
  if (rel) {
    const unitMs = rel[2] === 'h' ? UNIT_MS.h : rel[2] === 'w' ? UNIT_MS.w : UNIT_MS.d;
    return new Date(now.getTime() - Number(rel[1]) * unitMs).toISOString();
  }
  return new Date(DATE.test(value) ? `${value}T00:00:00Z` : value).toISOString();
}
