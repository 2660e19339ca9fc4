/**
 * Per-model circuit breaker: after `failures` consecutive failed attempts a model is in cooldown
 * for `ms`; routing and fallbacks skip it meanwhile. The first success closes it again.
 * A Retry-After is a hold: no call at all until it elapses, and the cooldown lasts at least as long.
 */
export class CircuitBreaker {
  private readonly consecutive = new Map<string, number>();
  private readonly openUntil = new Map<string, number>();
  private readonly heldUntil = new Map<string, number>();

  constructor(
    private readonly options: () => { failures: number; ms: number },
    private readonly now: () => number = Date.now,
  ) {}

  isOpen(model: string): boolean {
    const until = this.openUntil.get(model);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.openUntil.delete(model);
    // Half-open: one more failure puts it straight back.
    this.consecutive.set(model, this.options().failures - 1);
    return false;
  }

  /** The upstream asked us to wait `ms` (Retry-After): hold the model and cool it down at least that long. */
  hold(model: string, ms: number): void {
    const until = this.now() + ms;
    this.heldUntil.set(model, Math.max(until, this.heldUntil.get(model) ?? 0));
    this.openUntil.set(model, Math.max(until, this.openUntil.get(model) ?? 0));
  }

  /** Milliseconds left of the model's Retry-After hold; 0 when it may be called. */
  heldFor(model: string): number {
    const until = this.heldUntil.get(model);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return left;
    this.heldUntil.delete(model);
    return 0;
  }

  success(model: string): void {
    this.consecutive.delete(model);
    this.openUntil.delete(model);
  }

  /** Returns true when this failure put the model in cooldown. */
  failure(model: string): boolean {
    const count = (this.consecutive.get(model) ?? 0) + 1;
    this.consecutive.set(model, count);
    const { failures, ms } = this.options();
    if (count < failures || this.openUntil.has(model)) return false;
    this.openUntil.set(model, this.now() + ms);
    return true;
  }

  cooling(models: readonly string[]): string[] {
    return models.filter((m) => this.isOpen(m));
  }
}
