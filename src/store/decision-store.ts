import { blobToVector, vectorToBlob, type Db } from './db.js';
import { DetailsCodec, type DetailsToStore } from './decision-details-codec.js';
import type { PartsWritten } from './decision-parts.js';

/** What is kept of every routing decision. The prompt text only when configured; the hash always. */
export interface StoredDecision {
  readonly id: string;
  readonly createdAt: string;
  readonly promptHash: string;
  readonly promptText: string | null;
  /** PII-redacted text kept for the coverage report (see log.keepText); cleared after the retention window. */
  readonly keptText?: string | null;
  /** What the decision was routed on (JSON-serialisable). */
  readonly routedOn?: unknown;
  readonly promptChars: number;
  /** Characters embedded when the input budget cut the prompt; undefined when all of it was. */
  readonly embeddedChars?: number;
  readonly chosenModel: string;
  readonly reason: string;
  readonly covered: boolean;
  readonly topSimilarity: number | null;
  readonly confidence: number;
  readonly intent: string | null;
  readonly neighborIds: readonly number[];
  readonly neighborSimilarities: readonly number[];
  readonly fallbacks: readonly string[];
  readonly scores: unknown;
  /**
   * Everything needed to explain the decision later (routing/decision-details.ts); absent on
   * decisions stored before it existed. Read back in the shape of DecisionDetailsSchema
   * (server/outcome-schemas.ts) whichever format the row holds (see DetailsCodec).
   */
  readonly details?: unknown;
}

/** A decision to insert: its details as the router builds them (shared parts are stored once). */
export type DecisionToStore = Omit<StoredDecision, 'details'> & { readonly details?: DetailsToStore };

const NOTHING_WRITTEN: PartsWritten = { committed: () => undefined };

/** A decision as the coverage report reads it: no scores or fallbacks, with the prompt's vector. */
export interface ListedDecision {
  readonly id: string;
  readonly createdAt: string;
  readonly promptHash: string;
  readonly promptText: string | null;
  readonly keptText: string | null;
  readonly covered: boolean;
  readonly topSimilarity: number | null;
  readonly intent: string | null;
  readonly neighborIds: readonly number[];
  readonly neighborSimilarities: readonly number[];
  readonly vector: Float32Array | null;
  /** Why the model was chosen (`covered`, `uncovered`, `empty`, `language`, …). */
  readonly reason: string;
  /** With reason `language`: the language detected (routedOn.language); null otherwise or when not recorded. */
  readonly language: string | null;
}

export interface DecisionLearningContext {
  readonly promptHash: string;
  readonly promptText: string | null;
  readonly intent: string | null;
  readonly neighborIds: readonly number[];
  readonly neighborSimilarities: readonly number[];
  readonly hasVector: boolean;
}

type ListedRow = Pick<DecisionRow, 'id' | 'created_at' | 'prompt_hash' | 'prompt_text' | 'kept_text' | 'covered' | 'top_similarity' | 'intent' | 'neighbor_ids' | 'neighbor_sims' | 'reason'> & {
  vector: Buffer | null;
  language: string | null;
};

interface DecisionRow {
  id: string;
  created_at: string;
  prompt_hash: string;
  prompt_text: string | null;
  kept_text: string | null;
  routed_on: string | null;
  embedded_chars: number | null;
  prompt_chars: number;
  chosen_model: string;
  reason: string;
  covered: number;
  top_similarity: number | null;
  confidence: number;
  intent: string | null;
  neighbor_ids: string;
  neighbor_sims: string;
  fallbacks: string;
  scores: string;
  details: string | null;
}

export class SqliteDecisionStore {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly vectorStmt;
  private readonly contextStmt;
  private readonly listStmt;
  private readonly forgetStmt;
  private readonly codec: DetailsCodec;

  constructor(db: Db) {
    this.codec = new DetailsCodec(db);
    this.insertStmt = db.prepare(
      `INSERT INTO decisions (id, created_at, prompt_hash, prompt_text, kept_text, routed_on, prompt_chars, embedded_chars, chosen_model, reason, covered,
         top_similarity, confidence, intent, neighbor_ids, neighbor_sims, fallbacks, scores, details, vector)
       VALUES (@id, @created_at, @prompt_hash, @prompt_text, @kept_text, @routed_on, @prompt_chars, @embedded_chars, @chosen_model, @reason, @covered,
         @top_similarity, @confidence, @intent, @neighbor_ids, @neighbor_sims, @fallbacks, @scores, @details, @vector)`,
    );
    this.getStmt = db.prepare<[string], DecisionRow>('SELECT * FROM decisions WHERE id = ?');
    // length() of a BLOB reads only the record header, not the vector's overflow pages.
    this.contextStmt = db.prepare<[string], Pick<DecisionRow, 'prompt_hash' | 'prompt_text' | 'intent' | 'neighbor_ids' | 'neighbor_sims'> & { vector_bytes: number | null }>(
      'SELECT prompt_hash, prompt_text, intent, neighbor_ids, neighbor_sims, length(vector) AS vector_bytes FROM decisions WHERE id = ?',
    );
    this.vectorStmt = db.prepare<[string], { vector: Buffer | null }>('SELECT vector FROM decisions WHERE id = ?');
    // The newest `limit` rows in the window, so a report over a long window stays bounded.
    this.listStmt = db.prepare<[string, string, number], ListedRow>(
      `SELECT id, created_at, prompt_hash, prompt_text, kept_text, covered, top_similarity, intent, neighbor_ids, neighbor_sims, vector, reason,
         CASE WHEN reason = 'language' THEN json_extract(routed_on, '$.language') END AS language
       FROM decisions WHERE created_at >= ? AND created_at <= ? ORDER BY created_at DESC LIMIT ?`,
    );
    // Through the partial index decisions_text_held: only rows that still hold text are visited.
    this.forgetStmt = db.prepare<[string, number]>(
      `UPDATE decisions SET kept_text = NULL, prompt_text = NULL WHERE rowid IN (
         SELECT rowid FROM decisions WHERE created_at < ? AND (kept_text IS NOT NULL OR prompt_text IS NOT NULL) LIMIT ?)`,
    );
  }

  /**
   * The retention sweep's step: clears the text of at most `limit` decisions made before `before`
   * (ISO time), keeping their hash, vector and outcome. Returns how many it cleared; call again
   * until it returns less than `limit`.
   */
  forgetTextBefore(before: string, limit = 5_000): number {
    return this.forgetStmt.run(before, limit).changes;
  }

  /** Decisions in [since, until] (ISO times), oldest first, at most the newest `limit` of them (default 50,000). */
  list(options: { since?: string; until?: string; limit?: number } = {}): ListedDecision[] {
    const rows = this.listStmt.all(options.since ?? '', options.until ?? '\uffff', options.limit ?? 50_000);
    return rows.reverse().map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      promptHash: r.prompt_hash,
      promptText: r.prompt_text,
      keptText: r.kept_text,
      covered: r.covered === 1,
      topSimilarity: r.top_similarity,
      intent: r.intent,
      neighborIds: JSON.parse(r.neighbor_ids) as number[],
      neighborSimilarities: JSON.parse(r.neighbor_sims) as number[],
      vector: r.vector ? blobToVector(r.vector) : null,
      reason: r.reason,
      language: typeof r.language === 'string' ? r.language : null,
    }));
  }

  /**
   * The prompt's vector is kept so the coverage report can cluster uncovered traffic without the
   * text. Run it inside a transaction (the write queue's), and call `committed()` on the result once
   * that transaction has committed: shared detail parts are then reused without a lookup.
   */
  insert(d: DecisionToStore, vector: Float32Array | null): PartsWritten {
    const details = d.details === undefined ? undefined : this.codec.encode(d.details);
    this.insertStmt.run({
      id: d.id,
      created_at: d.createdAt,
      prompt_hash: d.promptHash,
      prompt_text: d.promptText,
      kept_text: d.keptText ?? null,
      routed_on: d.routedOn === undefined ? null : JSON.stringify(d.routedOn),
      prompt_chars: d.promptChars,
      embedded_chars: d.embeddedChars ?? null,
      chosen_model: d.chosenModel,
      reason: d.reason,
      covered: d.covered ? 1 : 0,
      top_similarity: d.topSimilarity,
      confidence: d.confidence,
      intent: d.intent,
      neighbor_ids: JSON.stringify(d.neighborIds),
      neighbor_sims: JSON.stringify(d.neighborSimilarities),
      fallbacks: JSON.stringify(d.fallbacks),
      scores: JSON.stringify(d.scores),
      details: details?.json ?? null,
      vector: vector ? vectorToBlob(vector) : null,
    });
    return details?.written ?? NOTHING_WRITTEN;
  }

  /**
   * Just what learning needs, without parsing the stored scores or reading the prompt's vector
   * (a few KB; learning needs it only when it promotes the prompt: see {@link vectorOf}).
   */
  learningContext(id: string): DecisionLearningContext | undefined {
    const row = this.contextStmt.get(id);
    if (!row) return undefined;
    return {
      promptHash: row.prompt_hash,
      promptText: row.prompt_text,
      intent: row.intent,
      neighborIds: JSON.parse(row.neighbor_ids) as number[],
      neighborSimilarities: JSON.parse(row.neighbor_sims) as number[],
      hasVector: row.vector_bytes !== null,
    };
  }

  vectorOf(id: string): Float32Array | null {
    const row = this.vectorStmt.get(id);
    return row?.vector ? blobToVector(row.vector) : null;
  }

  get(id: string): StoredDecision | undefined {
    const row = this.getStmt.get(id);
    if (!row) return undefined;
    const decision = fromRow(row);
    if (row.details === null) return decision;
    return { ...decision, details: this.codec.decode(row.details, decision.neighborIds, decision.neighborSimilarities) };
  }
}

function fromRow(r: DecisionRow): StoredDecision {
  return {
    id: r.id,
    createdAt: r.created_at,
    promptHash: r.prompt_hash,
    promptText: r.prompt_text,
    keptText: r.kept_text,
    routedOn: r.routed_on === null ? undefined : (JSON.parse(r.routed_on) as unknown),
    promptChars: r.prompt_chars,
    ...(r.embedded_chars !== null ? { embeddedChars: r.embedded_chars } : {}),
    chosenModel: r.chosen_model,
    reason: r.reason,
    covered: r.covered === 1,
    topSimilarity: r.top_similarity,
    confidence: r.confidence,
    intent: r.intent,
    neighborIds: JSON.parse(r.neighbor_ids) as number[],
    neighborSimilarities: JSON.parse(r.neighbor_sims) as number[],
    fallbacks: JSON.parse(r.fallbacks) as string[],
    scores: JSON.parse(r.scores) as unknown,
  };
}
