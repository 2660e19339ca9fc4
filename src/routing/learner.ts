import type { LearningConfig } from '../config/schema.js';
import type { Embedder } from '../embedding/embedder.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { contentHash } from '../store/content-hash.js';
import type { SqliteDecisionStore } from '../store/decision-store.js';
import type { OutcomeKind, OutcomeRow, RecordedOutcome, SqliteOutcomeStore } from '../store/outcome-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import type { WriteQueue } from '../store/write-queue.js';
import { deltasFor, learningTargets, sumRecords, type Delta, type OutcomeFact } from './learning.js';
import type { ReferenceIndex } from './reference-index.js';
import { promptHash, type Router } from './router.js';

export interface OutcomeReport {
  readonly decisionId?: string;
  /** The prompt itself: required without a decision; lets a decided prompt become a reference. */
  readonly prompt?: string;
  readonly model: string;
  readonly kind: OutcomeKind;
  readonly value: number;
  readonly opponent?: string;
  readonly latencyMs?: number;
  readonly costUsd?: number;
  readonly source?: string;
  readonly idempotencyKey?: string;
  /** Acknowledged to a caller: commit with a full fsync. The proxy's own attempt records are logs. */
  readonly durable?: boolean;
}

export interface LearnResult {
  readonly outcomeId: number;
  readonly duplicate: boolean;
  /** References whose records the outcome changed. */
  readonly learnedInto: readonly number[];
  readonly promotedReferenceId: number | null;
}

export interface LearnerDeps {
  readonly references: SqliteReferenceStore;
  readonly decisions: SqliteDecisionStore;
  readonly outcomes: SqliteOutcomeStore;
  readonly queue: WriteQueue;
  readonly index: ReferenceIndex;
  readonly embedder: Embedder;
  readonly router: () => Router;
  readonly learning: LearningConfig;
  readonly logger: Logger;
}

interface Context {
  readonly promptHash: string;
  readonly text: string | null;
  readonly intent: string | null;
  /** The prompt's vector; read from the decision only when a promotion needs it. */
  readonly vector: () => Float32Array;
  readonly neighbours: readonly { id: number; similarity: number }[];
}

/**
 * Turns reported outcomes into record updates, durably, and makes them visible to the next route:
 * records are read per request (through a cache the writes forget), new references are added to
 * the live index, and the router's global totals move by the same deltas. See learning.ts for the rule.
 */
export class Learner {
  /** Record deltas of one group-commit batch, summed and upserted once per (reference, model). */
  private readonly addToRecords: (deltas: readonly Delta[]) => void;

  constructor(private readonly deps: LearnerDeps) {
    this.addToRecords = deps.queue.batchStep<readonly Delta[]>((lists) => deps.references.addToRecords(lists.flat()));
  }

  async record(report: OutcomeReport): Promise<LearnResult> {
    const { idempotencyKey } = report;
    const seen = idempotencyKey === undefined ? undefined : this.deps.outcomes.byIdempotencyKey(idempotencyKey);
    if (seen) return duplicateOf(seen, report);
    // A decision is read inside the write: one made a moment ago may still wait in the same queue, ahead of it.
    const prompted = report.decisionId === undefined ? await this.promptContext(report) : undefined;
    const written = await this.deps.queue.run(() => {
      const context = prompted ?? this.decisionContext(report.decisionId ?? '', report.prompt);
      // A retry racing the first submission of the same key: the first one counts.
      const raced = idempotencyKey === undefined ? undefined : this.deps.outcomes.byIdempotencyKey(idempotencyKey);
      return raced ? { result: duplicateOf(raced, report), deltas: [], context } : { ...this.write(report, context), context };
    }, { durable: report.durable ?? true });
    this.afterCommit(written);
    return written.result;
  }

  private decisionContext(decisionId: string, prompt: string | undefined): Context {
    const decision = this.deps.decisions.learningContext(decisionId);
    if (!decision?.hasVector) throw new AppError('NOT_FOUND', `no decision with id ${decisionId}`);
    const neighbours = decision.neighborIds.map((id, i) => ({ id, similarity: decision.neighborSimilarities[i] ?? 0 }));
    let vector: Float32Array | undefined;
    const vectorOf = () => (vector ??= this.deps.decisions.vectorOf(decisionId) ?? new Float32Array(0));
    return { promptHash: decision.promptHash, text: prompt ?? decision.promptText, intent: decision.intent, vector: vectorOf, neighbours };
  }

  private async promptContext(report: OutcomeReport): Promise<Context> {
    if (report.prompt === undefined) throw new AppError('VALIDATION_FAILED', 'an outcome needs a decisionId or the prompt');
    const [vector] = await this.deps.embedder.embed([report.prompt]);
    if (!vector) throw new AppError('INTERNAL', 'embedder returned no vector');
    const found = this.deps.index.search(vector, this.deps.router().k);
    const intent = found[0] ? (this.deps.references.references([found[0].label]).get(found[0].label)?.intent ?? null) : null;
    const neighbours = found.map((n) => ({ id: n.label, similarity: n.similarity }));
    return { promptHash: promptHash(report.prompt), text: report.prompt, intent, vector: () => vector, neighbours };
  }

  /** Runs inside the group-commit transaction: everything here lands together or not at all. */
  private write(report: OutcomeReport, decided: Context): { result: LearnResult; deltas: Delta[] } {
    const context = withoutDeletedNeighbours(decided, this.deps.references);
    const fact: OutcomeFact = { model: report.model, kind: report.kind, value: report.value, opponent: report.opponent ?? null };
    const own = this.ownReference(context);
    const promote = own === null && this.shouldPromote(context);
    let promotedReferenceId: number | null = null;
    let deltas: Delta[];
    if (promote && context.text !== null) {
      promotedReferenceId = this.deps.references.insertLearned({
        text: context.text,
        intent: context.intent,
        contentHash: contentHash(context.text),
        vector: context.vector(),
      });
      const start = sumRecords([...this.deps.outcomes.forPrompt(context.promptHash), fact]);
      deltas = [...start].map(([model, r]) => ({ referenceId: promotedReferenceId ?? 0, model, ...r }));
    } else {
      const router = this.deps.router();
      const targets = learningTargets(own, context.neighbours, { similarityPower: router.similarityPower, minSimilarity: router.coverageThreshold });
      deltas = deltasFor(fact, targets);
    }
    const outcomeId = this.deps.outcomes.insertWithoutRecords(toRow(report, context.promptHash), deltas, promotedReferenceId);
    this.addToRecords(deltas);
    const learnedInto = [...new Set(deltas.map((d) => d.referenceId))];
    return { result: { outcomeId, duplicate: false, learnedInto, promotedReferenceId }, deltas };
  }

  private ownReference(context: Context): number | null {
    if (context.text !== null) {
      const exact = this.deps.references.idByHash(contentHash(context.text));
      if (exact !== null) return exact;
    }
    const top = context.neighbours[0];
    return top && top.similarity >= this.deps.learning.duplicateSimilarity ? top.id : null;
  }

  private shouldPromote(context: Context): boolean {
    if (context.text === null) return false;
    return this.deps.outcomes.forPrompt(context.promptHash).length + 1 >= this.deps.learning.promoteAfter;
  }

  private afterCommit({ result, deltas, context }: { result: LearnResult; deltas: readonly Delta[]; context: Context }): void {
    if (result.promotedReferenceId !== null) {
      this.deps.index.add(result.promotedReferenceId, context.vector());
      this.deps.logger.info({ referenceId: result.promotedReferenceId, intent: context.intent }, 'promoted a prompt to a learned reference');
    }
    this.deps.router().applyDeltas(deltas);
  }
}

/**
 * A retry of a stored outcome gets the original's answer. The same key with a different outcome is a
 * conflict: counting it once would silently drop the new outcome, counting it twice would break the key.
 */
function duplicateOf(original: RecordedOutcome, report: OutcomeReport): LearnResult {
  const differs = differingFields(original, report);
  if (differs.length > 0) {
    const key = report.idempotencyKey ?? '';
    throw new AppError('CONFLICT', `idempotency key '${key}' was already used for outcome ${original.id} with a different ${differs.join(', ')}; send a new outcome with a new key`, [
      ...differs.map((field) => ({ path: field, message: `differs from outcome ${original.id}, which used this idempotency key` })),
    ]);
  }
  return { outcomeId: original.id, duplicate: true, learnedInto: original.learnedInto, promotedReferenceId: original.promotedReferenceId };
}

/** The request fields whose stored value differs. With a decision the prompt is not compared: the row keeps the decision's hash. */
function differingFields(original: RecordedOutcome, report: OutcomeReport): string[] {
  const checks: [string, unknown, unknown][] = [
    ['decisionId', original.decisionId, report.decisionId ?? null],
    ['model', original.model, report.model],
    ['outcome', `${original.kind}:${original.value}:${original.opponent ?? ''}`, `${report.kind}:${report.value}:${report.opponent ?? ''}`],
    ['latencyMs', original.latencyMs, report.latencyMs ?? null],
    ['costUsd', original.costUsd, report.costUsd ?? null],
    ['source', original.source, report.source ?? null],
  ];
  if (report.decisionId === undefined && report.prompt !== undefined) checks.push(['prompt', original.promptHash, promptHash(report.prompt)]);
  return checks.filter(([, a, b]) => a !== b).map(([field]) => field);
}

/**
 * A neighbour deleted since the decision was made has no records left to move (a delta naming it
 * would break the records' foreign key and fail the outcome): the live neighbours share the trial.
 */
function withoutDeletedNeighbours(context: Context, references: SqliteReferenceStore): Context {
  const live = references.existingIds(context.neighbours.map((n) => n.id));
  return live.size === context.neighbours.length ? context : { ...context, neighbours: context.neighbours.filter((n) => live.has(n.id)) };
}

function toRow(report: OutcomeReport, hash: string): OutcomeRow {
  return {
    idempotencyKey: report.idempotencyKey ?? null,
    decisionId: report.decisionId ?? null,
    promptHash: hash,
    model: report.model,
    kind: report.kind,
    value: report.value,
    opponent: report.opponent ?? null,
    latencyMs: report.latencyMs ?? null,
    costUsd: report.costUsd ?? null,
    source: report.source ?? null,
  };
}
