/** Something waiting to be embedded: its text (already cut to the budget) and when it arrived. */
export interface Pending {
  readonly text: string;
  readonly enqueuedAt: number;
}

/**
 * Takes the next batch out of `queue` (mutating it): everything when it fits, otherwise the
 * `maxBatch` texts closest in length to the oldest waiting one. A batch is padded to its longest
 * text, so mixing a 10-token and a 256-token text makes the short one cost 256; grouping by length
 * avoids that, and always including the oldest text keeps long and short texts from starving.
 */
export function takeBatch<T extends Pending>(queue: T[], maxBatch: number): T[] {
  if (queue.length <= maxBatch) return queue.splice(0, queue.length);
  const oldest = queue[0];
  const byLength = queue.map((item, position) => ({ item, position })).sort((a, b) => a.item.text.length - b.item.text.length);
  const at = byLength.findIndex((e) => e.item === oldest);
  const start = Math.max(0, Math.min(at - Math.floor(maxBatch / 2), byLength.length - maxBatch));
  const chosen = byLength.slice(start, start + maxBatch);
  const taken = new Set(chosen.map((e) => e.position));
  const rest = queue.filter((_, position) => !taken.has(position));
  queue.splice(0, queue.length, ...rest);
  return chosen.sort((a, b) => a.position - b.position).map((e) => e.item);
}
