import type { Db } from './db.js';
import { DecisionParts, type PartsWritten } from './decision-parts.js';
import type { ModelRecords, WinRecord } from './types.js';

/** A neighbour as it was at decision time. */
export interface NeighbourAtDecision {
  readonly intent: string | null;
  /** Must not change after it is passed in (the reference store's read cache replaces, never edits, a record map). */
  readonly records: ModelRecords;
}

/** A decision's details as the router hands them over to be stored. */
export interface DetailsToStore {
  /** Fields of this decision alone (rule, exclusions, constraints, explanation, …), stored inline as JSON. */
  readonly inline: Readonly<Record<string, unknown>>;
  /** The policy parameters in force: the same for every decision under one configuration. */
  readonly params: object;
  /** In the order of the decision's neighbour ids. */
  readonly neighbours: readonly NeighbourAtDecision[];
}

/** Format 2 of decisions.details: parts by id (decision_parts). Format 1 (no `format` key) held everything inline. */
interface StoredFormat2 {
  readonly format: 2;
  readonly inline: Record<string, unknown>;
  readonly params: number;
  readonly neighbours: number[];
}

/** A decision without records shares one key: the router gives each such neighbour a fresh empty map. */
const NO_RECORDS: object = {};
/** Distinct parameter sets remembered; more than this many configurations in one process starts over. */
const MAX_PARAM_SETS = 256;

/**
 * Writes and reads decisions.details. A route's neighbours mostly hold the record maps the last
 * routes saw (the same objects from the reference store's read cache), so each map is serialised
 * and hashed once per process, not once per decision; a decision then stores small ids.
 */
export class DetailsCodec {
  private readonly parts: DecisionParts;
  private readonly neighbourIds = new WeakMap<object, Map<string | null, number>>();
  private readonly paramIds = new Map<string, number>();

  constructor(db: Db) {
    this.parts = new DecisionParts(db);
  }

  /** The JSON to store; call `written.committed()` once the transaction holding it has committed. */
  encode(details: DetailsToStore): { json: string; written: PartsWritten } {
    const fresh: (() => void)[] = [];
    const params = this.paramsId(details.params, fresh);
    const neighbours = details.neighbours.map((n) => this.neighbourId(n, fresh));
    const stored: StoredFormat2 = { format: 2, inline: details.inline, params, neighbours };
    return { json: JSON.stringify(stored), written: { committed: () => fresh.forEach((remember) => remember()) } };
  }

  /**
   * Details in the shape format 1 stored them, whichever format the row has: the inline fields,
   * `params`, and `neighbours` as `{ id, similarity, intent, records }` (a neighbour whose part is
   * missing is left out, and reads as a decision stored before records were kept).
   */
  decode(json: string, neighborIds: readonly number[], neighborSimilarities: readonly number[]): unknown {
    const parsed = JSON.parse(json) as unknown;
    if (!isFormat2(parsed)) return parsed;
    const bodies = this.parts.bodies([parsed.params, ...parsed.neighbours]);
    const paramsBody = bodies.get(parsed.params);
    // Parts are written in the decision's own transaction and never deleted.
    if (paramsBody === undefined) throw new Error(`decision_parts has no row ${parsed.params} (the parameters of a stored decision)`);
    const neighbours = parsed.neighbours.flatMap((partId, i) => {
      const body = bodies.get(partId);
      if (body === undefined) return [];
      const part = JSON.parse(body) as { intent: string | null; records: Record<string, WinRecord> };
      return [{ id: neighborIds[i], similarity: neighborSimilarities[i], intent: part.intent, records: part.records }];
    });
    return { ...parsed.inline, params: JSON.parse(paramsBody) as unknown, neighbours };
  }

  private paramsId(params: DetailsToStore['params'], fresh: (() => void)[]): number {
    const body = JSON.stringify(params);
    const known = this.paramIds.get(body);
    if (known !== undefined) return known;
    const id = this.parts.idOf(body);
    fresh.push(() => {
      if (this.paramIds.size >= MAX_PARAM_SETS) this.paramIds.clear();
      this.paramIds.set(body, id);
    });
    return id;
  }

  private neighbourId(n: NeighbourAtDecision, fresh: (() => void)[]): number {
    const key = n.records.size === 0 ? NO_RECORDS : n.records;
    const known = this.neighbourIds.get(key)?.get(n.intent);
    if (known !== undefined) return known;
    const id = this.parts.idOf(JSON.stringify({ intent: n.intent, records: Object.fromEntries(n.records) }));
    fresh.push(() => {
      let byIntent = this.neighbourIds.get(key);
      if (!byIntent) this.neighbourIds.set(key, (byIntent = new Map()));
      byIntent.set(n.intent, id);
    });
    return id;
  }
}

function isFormat2(value: unknown): value is StoredFormat2 {
  return typeof value === 'object' && value !== null && 'format' in value && value.format === 2;
}
