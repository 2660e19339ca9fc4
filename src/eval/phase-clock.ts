import type { FoldPhase } from './replay.js';
import { FOLD_PHASES } from './replay.js';

/** Wall time per phase of a fold, reported as each phase ends. */
export class PhaseClock {
  private readonly seconds = new Map<FoldPhase, number>();
  private readonly started = performance.now();
  private last = this.started;

  constructor(private readonly report: (phase: FoldPhase, seconds: number) => void) {}

  lap(phase: FoldPhase): void {
    const now = performance.now();
    this.record(phase, (now - this.last) / 1000);
    this.last = now;
  }

  /** One lap made of two phases, the second of which took `secondSeconds` (measured inside it). */
  split(first: FoldPhase, second: FoldPhase, secondSeconds: number): void {
    const now = performance.now();
    const lap = (now - this.last) / 1000;
    this.record(first, Math.max(0, lap - secondSeconds));
    this.record(second, Math.min(lap, secondSeconds));
    this.last = now;
  }

  total(): number {
    return (performance.now() - this.started) / 1000;
  }

  phases(): Record<FoldPhase, number> {
    return Object.fromEntries(FOLD_PHASES.map((p) => [p, this.seconds.get(p) ?? 0])) as Record<FoldPhase, number>;
  }

  private record(phase: FoldPhase, seconds: number): void {
    this.seconds.set(phase, seconds);
    this.report(phase, seconds);
  }
}
