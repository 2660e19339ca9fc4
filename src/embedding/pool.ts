import { inputKey, type Embedder, type EmbedderFingerprint, type EmbedderPool, type EmbedOptions, type EmbedResult, type InputBudget, type InputCut, type PoolStats } from './embedder.js';
import { combineCuts, cutToChars } from './input-budget.js';
import { VectorCache, type VectorCacheOptions } from './vector-cache.js';
import type { Job, WorkerPool } from './worker-pool.js';

export interface PoolSettings {
  readonly budget: InputBudget;
  /** Undefined = no cache. */
  readonly cache: VectorCacheOptions | undefined;
}

interface Embedded {
  readonly vector: Float32Array;
  readonly keptTokenShare: number;
}

/** Runs texts (already cut to the character budget) through a model. */
interface Runner {
  run(texts: readonly string[], signal: AbortSignal | undefined): Promise<Embedded[]>;
  close(): Promise<void>;
  readonly workers: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly restarts: number;
  readonly workerMemoryMb: readonly number[];
}

/**
 * The service's embedder: cuts every text to the input budget first (on the calling thread, O(1)),
 * answers repeated texts from an LRU cache keyed by the cut text's hash, and sends the rest to the
 * runner, worker threads for model backends or the calling thread for cheap ones (lexical, tests).
 */
export class BoundedEmbedderPool implements EmbedderPool {
  private readonly cache: VectorCache | undefined;
  /** The model's fingerprint plus this pool's budget: both decide the vectors. */
  readonly fingerprint: EmbedderFingerprint;

  private constructor(
    private readonly runner: Runner,
    model: EmbedderFingerprint,
    readonly budget: InputBudget,
    cache: VectorCacheOptions | undefined,
  ) {
    this.fingerprint = { ...model, input: inputKey(budget) };
    this.cache = cache ? new VectorCache(cache) : undefined;
  }

  /** Embedding on worker threads; the budget takes the model's own limits (transformers) into account. */
  static inWorkers(workers: WorkerPool, settings: PoolSettings): BoundedEmbedderPool {
    const model = workers.modelBudget;
    const budget: InputBudget = {
      keep: settings.budget.keep,
      maxChars: Math.min(settings.budget.maxChars, model.maxChars ?? Infinity),
      ...(model.maxTokens !== undefined ? { maxTokens: model.maxTokens } : {}),
    };
    return new BoundedEmbedderPool(workerRunner(workers), workers.fingerprint, budget, settings.cache);
  }

  /** Embedding on the calling thread: for embedders whose cost the budget keeps small. */
  static inProcess(embedder: Embedder, settings: PoolSettings): BoundedEmbedderPool {
    return new BoundedEmbedderPool(inProcessRunner(embedder), embedder.fingerprint, settings.budget, settings.cache);
  }

  async embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return (await this.embedWithCuts(texts, options)).vectors;
  }

  async embedWithCuts(texts: readonly string[], options: EmbedOptions = {}): Promise<EmbedResult> {
    options.signal?.throwIfAborted();
    const prepared = texts.map((text) => {
      const { text: kept, cut } = cutToChars(text, this.budget);
      return { kept, cut, originalChars: text.length, key: this.cache ? VectorCache.keyOf(kept) : '', vector: undefined as Float32Array | undefined, share: 1 };
    });
    const misses = prepared.filter((p) => (p.vector = this.cache?.get(p.key)) === undefined);
    if (misses.length > 0) {
      const embedded = await this.runner.run(misses.map((m) => m.kept), options.signal);
      misses.forEach((m, i) => {
        const result = embedded[i];
        if (!result) return;
        m.vector = result.vector;
        m.share = result.keptTokenShare;
        this.cache?.set(m.key, result.vector);
      });
    }
    const vectors = prepared.map((p) => p.vector ?? new Float32Array(this.fingerprint.dims));
    const cuts: (InputCut | undefined)[] = prepared.map((p) => combineCuts(p.originalChars, p.cut, p.share));
    return { vectors, cuts };
  }

  stats(): PoolStats {
    const r = this.runner;
    const c = this.cache;
    return {
      workers: r.workers,
      inFlight: r.inFlight,
      queued: r.queued,
      restarts: r.restarts,
      cache: { entries: c?.size ?? 0, bytes: c?.byteSize ?? 0, hits: c?.hits ?? 0, misses: c?.misses ?? 0 },
      workerMemoryMb: r.workerMemoryMb,
    };
  }

  close(): Promise<void> {
    return this.runner.close();
  }
}

/** Texts per call above which the call is bulk work; a route embeds 1, a conversation window a few. */
const BULK_CALL = 16;

function workerRunner(workers: WorkerPool): Runner {
  return {
    // A call larger than this is bulk work (seeding, re-embedding): it yields to routes.
    run: (texts, signal) => Promise.all(texts.map((text) => submitOne(workers, { text, bulk: texts.length > BULK_CALL }, signal))),
    close: () => workers.close(),
    get workers() {
      return workers.workers;
    },
    get inFlight() {
      return workers.inFlight;
    },
    get queued() {
      return workers.queued;
    },
    get restarts() {
      return workers.restarts;
    },
    get workerMemoryMb() {
      return workers.workerMemoryMb;
    },
  };
}

/** Queues one text; an abort takes it out of the queue if no worker has it yet. */
function submitOne(workers: WorkerPool, item: { text: string; bulk: boolean }, signal: AbortSignal | undefined): Promise<Embedded> {
  return new Promise<Embedded>((resolve, reject) => {
    const onAbort = () => {
      if (workers.cancel(job)) reject(signal?.reason);
    };
    const job: Job = {
      ...item,
      enqueuedAt: performance.now(),
      resolve: (result) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      },
      reject: (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    workers.submit(job);
  });
}

function inProcessRunner(embedder: Embedder): Runner {
  let inFlight = 0;
  return {
    async run(texts, signal) {
      inFlight += texts.length;
      try {
        const vectors = await embedder.embed(texts, signal ? { signal } : {});
        return vectors.map((vector) => ({ vector, keptTokenShare: 1 }));
      } finally {
        inFlight -= texts.length;
      }
    },
    close: async () => {},
    workers: 0,
    get inFlight() {
      return inFlight;
    },
    queued: 0,
    restarts: 0,
    workerMemoryMb: [],
  };
}
