import type { IndexConfig } from '../config/schema.js';
import type { BackgroundSet } from '../coverage/background.js';
import type { SnapshotIndexFile } from '../routing/reference-index.js';
import type { FitConfig, RouterFit } from './router-fit.js';

/** Fixed for a worker's life: all of it takes a restart to change (data dir, embedder, index shape). */
export interface FitWorkerData {
  readonly dbPath: string;
  /** The HNSW file the server saves; reused when it holds exactly the snapshot's references. */
  readonly indexPath: string;
  readonly index: IndexConfig;
  readonly dims: number;
  readonly embedderKey: string;
  /** Loaded once at start (≤ MAX_BACKGROUND_PROMPTS vectors), so it is sent once, not per fit. */
  readonly background: BackgroundSet | null;
}

export interface FitJob {
  readonly id: number;
  readonly kind: 'fit';
  readonly config: FitConfig;
  readonly refit: boolean;
}

/** Build the HNSW index over one snapshot's vectors and save it at `outPath` (with its sidecar). */
export interface IndexJob {
  readonly id: number;
  readonly kind: 'index';
  readonly outPath: string;
}

export type { SnapshotIndexFile };

export type FitReply =
  | { readonly id: number; readonly ok: true; readonly kind: 'index'; readonly built: SnapshotIndexFile }
  | {
      readonly id: number;
      readonly ok: true;
      readonly kind: 'fit';
      readonly result: RouterFit;
      /** Cache entries for meta: the worker only reads SQLite, the server's connection writes them. */
      readonly metaWrites: readonly (readonly [string, string])[];
      /** The fit's log lines (pino JSON), for the server's logger to emit. */
      readonly logs: readonly string[];
    }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly stack?: string };
