import { createHash, randomUUID } from 'node:crypto';
import { estimateTokens } from '../config/catalog.js';
import type { CatalogModel, RoutingConfig } from '../config/schema.js';
import type { Embedder } from '../embedding/embedder.js';
import type { Logger } from '../shared/logger.js';
import type { SqliteDecisionStore } from '../store/decision-store.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import type { WriteQueue } from '../store/write-queue.js';
import type { WinRecord } from '../store/types.js';
import { seededRandom } from '../shared/random.js';
import { decide } from './policy.js';
import { firstMatchingRule, type CompiledRule } from './rules.js';
import type { ReferenceIndex } from './reference-index.js';
import { textToKeep } from '../privacy/redact.js';
import type { Decision, Evidence, PolicyParams, RouteConstraints } from './types.js';

export type KeepText = 'none' | 'uncovered' | 'all';

export interface RouterDeps {
  readonly embedder: Embedder;
  /** Only searched: benchmarks put the exact brute-force index here to compare like for like. */
  readonly index: Pick<ReferenceIndex, 'search'>;
  readonly references: SqliteReferenceStore;
  readonly decisions: SqliteDecisionStore;
  readonly catalog: readonly CatalogModel[];
  readonly routing: RoutingConfig;
  readonly rules: readonly CompiledRule[];
  /** The coverage threshold in force (calibrated or configured). */
  readonly coverageThreshold: number;
  readonly storePrompts: boolean;
  /** Whose text is kept, PII redacted, for the coverage report (log.keepText); default none. */
  readonly keepText?: KeepText;
  readonly logger: Logger;
  /** Decisions are logged through group commit: one fsync for many, none on the request's path. */
  readonly queue: WriteQueue;
}

export interface RouteRequest {
  readonly prompt: string;
  readonly constraints: RouteConstraints;
  readonly k?: number;
  /** Request metadata that rules match on. */
  readonly tier?: string;
  readonly tags?: readonly string[];
}

export interface RouteTimings {
  readonly embedMs: number;
  readonly searchMs: number;
  readonly decideMs: number;
}

export type RouteResult = { readonly decisionId: string; readonly promptHash: string; readonly decision: Decision; readonly timings: RouteTimings };

/** The orchestrator: embed → search → load records → decide (pure) → store the decision. */
export class Router {
  private totals: Map<string, WinRecord>;
  /** Drives Thompson sampling; absent when exploration is off, which keeps decisions deterministic. */
  private readonly random: (() => number) | undefined;

  constructor(private readonly deps: RouterDeps) {
    this.totals = deps.references.modelTotals();
    const exploration = deps.routing.exploration;
    this.random = exploration.enabled ? seededRandom(exploration.seed ?? Date.now()) : undefined;
  }

  get coverageThreshold(): number {
    return this.deps.coverageThreshold;
  }

  get similarityPower(): number {
    return this.deps.routing.similarityPower;
  }

  get costWeight(): number {
    return this.deps.routing.costWeight;
  }

  get k(): number {
    return this.deps.routing.k;
  }

  /** Moves the global per-model totals by learned deltas, so the prior follows without a full re-read. */
  applyDeltas(deltas: readonly ({ model: string } & WinRecord)[]): void {
    for (const d of deltas) {
      const prev = this.totals.get(d.model) ?? { wins: 0, losses: 0, ties: 0 };
      this.totals.set(d.model, { wins: prev.wins + d.wins, losses: prev.losses + d.losses, ties: prev.ties + d.ties });
    }
  }

  async route(request: RouteRequest): Promise<RouteResult> {
    const t0 = performance.now();
    const [vector] = await this.deps.embedder.embed([request.prompt]);
    if (!vector) throw new Error('embedder returned no vector');
    const t1 = performance.now();
    const { decision, searchMs } = this.decideFor(vector, request);
    const t2 = performance.now();
    const decisionId = randomUUID();
    const hash = promptHash(request.prompt);
    if (decision.kind === 'routed') this.store(decisionId, hash, request.prompt, vector, decision);
    return { decisionId, promptHash: hash, decision, timings: { embedMs: t1 - t0, searchMs, decideMs: t2 - t1 - searchMs } };
  }

  /** Everything after embedding; synchronous, so benchmarks can time it without the model. */
  decideFor(vector: Float32Array, request: RouteRequest): { decision: Decision; searchMs: number } {
    const s0 = performance.now();
    const neighbours = this.deps.index.search(vector, request.k ?? this.deps.routing.k);
    const searchMs = performance.now() - s0;
    const ids = neighbours.map((n) => n.label);
    const refs = this.deps.references.references(ids);
    const records = this.deps.references.records(ids);
    const evidence: Evidence[] = neighbours.map((n) => {
      const ref = refs.get(n.label);
      return { id: n.label, similarity: n.similarity, intent: ref?.intent ?? null, text: ref?.text ?? '', records: records.get(n.label) ?? new Map() };
    });
    const promptTokens = estimateTokens(request.prompt);
    const rule = firstMatchingRule(this.deps.rules, { prompt: request.prompt, promptTokens, ...pickMetadata(request) });
    const decision = decide({
      evidence,
      modelTotals: this.totals,
      catalog: this.deps.catalog,
      constraints: request.constraints,
      promptTokens,
      rule,
      params: this.policyParams(),
      ...(this.random ? { random: this.random } : {}),
    });
    return { decision, searchMs };
  }

  /** Re-reads each model's global record, e.g. after seeding. */
  refreshTotals(): void {
    this.totals = this.deps.references.modelTotals();
  }

  /** The parameters this router gives its policy; the eval's cost-weight sweep reuses them. */
  policyParams(): PolicyParams {
    const r = this.deps.routing;
    return {
      costWeight: r.costWeight,
      defaultModel: r.defaultModel,
      priorStrength: r.priorStrength,
      similarityPower: r.similarityPower,
      coverageThreshold: this.deps.coverageThreshold,
      minSupport: r.minSupport,
      expectedOutputTokens: r.expectedOutputTokens,
    };
  }

  private store(id: string, hash: string, prompt: string, vector: Float32Array, d: Extract<Decision, { kind: 'routed' }>): void {
    // The time of the decision, not of the (delayed) group commit that stores it.
    const createdAt = new Date().toISOString();
    const keep = this.deps.keepText ?? 'none';
    const write = this.deps.queue.run(() => this.deps.decisions.insert(
      {
        id,
        createdAt,
        promptHash: hash,
        promptText: this.deps.storePrompts ? prompt : null,
        // Redacted inside the group commit: bounded work (2,000 characters) off the response's path.
        keptText: keep === 'all' || (keep === 'uncovered' && !d.covered) ? textToKeep(prompt) : null,
        promptChars: prompt.length,
        chosenModel: d.model,
        reason: d.reason,
        covered: d.covered,
        topSimilarity: d.topSimilarity,
        confidence: d.confidence,
        intent: d.intent,
        neighborIds: d.evidence.map((e) => e.id),
        neighborSimilarities: d.evidence.map((e) => e.similarity),
        fallbacks: d.fallbacks,
        scores: d.scores,
      },
      vector,
    ), { durable: false });
    write.catch((error: unknown) => this.deps.logger.error({ err: error, decisionId: id }, 'could not store a decision'));
  }
}

function pickMetadata(r: RouteRequest): { tier?: string; tags?: readonly string[] } {
  return { ...(r.tier !== undefined ? { tier: r.tier } : {}), ...(r.tags !== undefined ? { tags: r.tags } : {}) };
}

/** A short, stable hash that lets logs and decisions be joined without keeping the prompt. */
export function promptHash(prompt: string): string {
  return createHash('sha256').update(prompt).digest('hex').slice(0, 16);
}
