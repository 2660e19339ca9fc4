/**
 * Per-model circuit breaker: after `failures` consecutive failed attempts a model is in cooldown
 * for `ms`; routing and fallbacks skip it meanwhile. The first success closes it again.
 */
export class CircuitBreaker {
  private readonly consecutive = new Map<string, number>();
  private readonly openUntil = new Map<string, number>();

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
