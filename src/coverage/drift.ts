import type { DriftPoint } from './report-schema.js';
import type { TrafficItem } from './types.js';

const DAY_MS = 86_400_000;
/** Past this many days a daily series is too long to read; weeks it is. */
const MAX_DAILY = 62;

/**
 * Covered rate per UTC day or ISO week (Monday start) from the window's start (or the first
 * decision) to its end. Empty buckets are kept, with a null rate, so gaps in traffic show as gaps.
 */
export function coverageDrift(
  decisions: readonly Pick<TrafficItem, 'createdAt' | 'covered'>[],
  window: { since: string | null; until: string },
  bucket: 'auto' | 'day' | 'week',
): { bucket: 'day' | 'week'; points: DriftPoint[] } {
  const times = decisions.map((d) => Date.parse(d.createdAt)).filter((t) => Number.isFinite(t));
  // reduce, not Math.min(...times): a spread of 50k arguments can overflow the stack.
  const sinceMs = window.since !== null ? Date.parse(window.since) : times.reduce((a, b) => Math.min(a, b), Infinity);
  const untilMs = times.reduce((a, b) => Math.max(a, b), Date.parse(window.until));
  if (times.length === 0 && window.since === null) return { bucket: bucket === 'week' ? 'week' : 'day', points: [] };
  const unit = bucket !== 'auto' ? bucket : (untilMs - sinceMs) / DAY_MS > MAX_DAILY ? 'week' : 'day';
  const start = bucketStart(sinceMs, unit);
  const step = unit === 'day' ? DAY_MS : 7 * DAY_MS;
  const count = Math.max(1, Math.floor((bucketStart(untilMs, unit) - start) / step) + 1);
  const tallies = Array.from({ length: count }, () => ({ decisions: 0, covered: 0 }));
  decisions.forEach((d) => {
    const t = Date.parse(d.createdAt);
    const i = Math.floor((bucketStart(t, unit) - start) / step);
    const tally = tallies[i];
    if (!tally) return;
    tally.decisions += 1;
    if (d.covered) tally.covered += 1;
  });
  return {
    bucket: unit,
    points: tallies.map((t, i) => ({
      start: new Date(start + i * step).toISOString().slice(0, 10),
      decisions: t.decisions,
      covered: t.covered,
      coveredRate: t.decisions === 0 ? null : t.covered / t.decisions,
    })),
  };
}

function bucketStart(ms: number, unit: 'day' | 'week'): number {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  if (unit === 'day') return day;
  // 1970-01-01 was a Thursday: (weekday + 6) % 7 is days since Monday.
  const weekday = (Math.floor(ms / DAY_MS) + 4) % 7;
  return day - ((weekday + 6) % 7) * DAY_MS;
}
