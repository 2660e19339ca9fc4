import type { SqliteDecisionStore } from '../store/decision-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import type { ModelRecords } from '../store/types.js';
import { textToKeep } from '../privacy/redact.js';
import type { CoverageInput, ReferenceItem, TrafficItem } from './types.js';

export interface CoverageSources {
  readonly decisions: Pick<SqliteDecisionStore, 'list'>;
  readonly references: Pick<SqliteReferenceStore, 'texts' | 'vectors' | 'records'>;
}

export interface CollectParams {
  readonly since: string | null;
  readonly until: string;
  readonly coverageThreshold: number;
  readonly similarityPower: number;
  readonly embedder: string | null;
  readonly models?: readonly string[];
  /** Only these decisions (e.g. the ones a `--input` file just produced). */
  readonly decisionIds?: ReadonlySet<string>;
  /** Prompt texts by prompt hash that the caller has in hand though the store did not keep them. */
  readonly texts?: ReadonlyMap<string, string>;
  readonly limit?: number;
}

/** Records are read in chunks: one `IN (…)` per chunk keeps every statement under SQLite's variable limit. */
const RECORD_CHUNK = 500;

/** Reads what the analysis needs from the stores: decisions in the window, every reference with its records. */
export function collectCoverageInput(sources: CoverageSources, params: CollectParams): CoverageInput {
  const listed = sources.decisions.list({ ...(params.since !== null ? { since: params.since } : {}), until: params.until, ...(params.limit !== undefined ? { limit: params.limit } : {}) });
  const decisions: TrafficItem[] = listed
    .filter((d) => params.decisionIds === undefined || params.decisionIds.has(d.id))
    .map((d) => ({
      id: d.id,
      createdAt: d.createdAt,
      promptHash: d.promptHash,
      text: d.promptText ?? d.keptText ?? fileText(params.texts, d.promptHash),
      covered: d.covered,
      topSimilarity: d.topSimilarity,
      intent: d.intent,
      neighborIds: d.neighborIds,
      neighborSimilarities: d.neighborSimilarities,
      vector: d.vector,
      reason: d.reason,
      language: d.language,
    }));
  return {
    decisions,
    references: readReferences(sources.references),
    coverageThreshold: params.coverageThreshold,
    similarityPower: params.similarityPower,
    embedder: params.embedder,
    window: { since: params.since, until: params.until },
    ...(params.models !== undefined ? { models: params.models } : {}),
  };
}

/** A `--input` file's prompt, redacted like kept traffic: a report shows no PII unless prompts are stored in clear. */
function fileText(texts: ReadonlyMap<string, string> | undefined, hash: string): string | null {
  const text = texts?.get(hash);
  return text === undefined ? null : textToKeep(text);
}

function readReferences(store: CoverageSources['references']): ReferenceItem[] {
  const texts = store.texts();
  const vectors = new Map<number, Float32Array>();
  for (const { id, vector } of store.vectors()) vectors.set(id, vector);
  const records = new Map<number, ModelRecords>();
  for (let start = 0; start < texts.length; start += RECORD_CHUNK) {
    for (const [id, r] of store.records(texts.slice(start, start + RECORD_CHUNK).map((t) => t.id))) records.set(id, r);
  }
  return texts.map((t) => ({ id: t.id, text: t.text, intent: t.intent, vector: vectors.get(t.id) ?? null, records: records.get(t.id) ?? new Map() }));
}
