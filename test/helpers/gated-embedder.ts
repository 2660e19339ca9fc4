import type { Embedder } from '../../src/embedding/embedder.js';
import { LexicalEmbedder } from '../../src/embedding/lexical-embedder.js';

/**
 * The lexical embedder with a gate: while closed, every embed call waits (its texts recorded) until
 * `open()`. A test closes it to hold a request inside its embedding step and act in between.
 */
export class GatedEmbedder implements Embedder {
  private readonly inner = new LexicalEmbedder({ dims: 256 });
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private readonly waiters: ((texts: readonly string[]) => void)[] = [];

  get fingerprint() {
    return this.inner.fingerprint;
  }

  close(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.gate = undefined;
  }

  /** Resolves with the texts of the next embed call that waits at the closed gate. */
  nextWaiting(): Promise<readonly string[]> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.gate) {
      this.waiters.splice(0).forEach((w) => w(texts));
      await this.gate;
    }
    return this.inner.embed(texts);
  }
}
