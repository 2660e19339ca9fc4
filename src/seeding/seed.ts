import { statSync, writeFileSync, renameSync } from 'node:fs';
import { fingerprintKey, type Embedder } from '../embedding/embedder.js';
import type { ReferenceIndex, SnapshotIndexBuilder } from '../routing/reference-index.js';
import type { Logger } from '../shared/logger.js';
import type { SqliteReferenceStore } from '../store/reference-store.js';
import { crossSetDuplicates, listSetFiles, readSetFile, SET_FORMAT_VERSION, type LineError, type ReferenceSetFile, type SetHeader } from './reference-file.js';

export interface SeedDeps {
  readonly references: SqliteReferenceStore;
  readonly index: ReferenceIndex;
  readonly logger: Logger;
  /** The active embedder: a reset keeps the stored vectors it made for unchanged texts. */
  readonly embedder?: Pick<Embedder, 'fingerprint'>;
}

export interface SeedSummary {
  sets: number;
  prompts: number;
  intents: number;
  models: number;
  inserted: number;
  updated: number;
  unchanged: number;
  embedded: number;
  skippedSets: string[];
  errors: LineError[];
  /** Records for models not in the catalog (errors instead, under strictModels). */
  warnings: LineError[];
  seconds: number;
}

/**
 * Loads every `*.jsonl` set in `dir`. A set with any bad line is reported (file:line and reason)
 * and not written at all; good sets are upserted by content hash, so a second run changes nothing.
 * All sets (and a reset) commit in one transaction: a crash leaves the store as it was, or seeded.
 */
export async function seedReferenceSets(deps: SeedDeps, source: string, options: SeedOptions = {}): Promise<SeedSummary> {
  const start = performance.now();
  // A folder means every *.jsonl in it; a file means just that set.
  const files = statSync(source).isDirectory() ? listSetFiles(source) : [source];
  const sets = files.map(readSetFile);
  const unknown = options.knownModels ? unknownModelLines(sets, options.knownModels) : [];
  const warnings = options.strictModels ? [] : unknown;
  const errors = [...sets.flatMap((s) => s.errors), ...crossSetDuplicates(sets), ...(options.strictModels ? unknown : [])];
  const badFiles = new Set(errors.map((e) => e.file));
  // --reset means "exactly what the files say": with any bad file, nothing is deleted or written.
  const good = options.reset && errors.length > 0 ? [] : sets.filter((s) => !badFiles.has(s.file));
  const reset = options.reset === true && errors.length === 0;

  // A reset keeps the vectors of unchanged texts (content hash) made by this same embedder.
  const embedder = deps.embedder ? fingerprintKey(deps.embedder.fingerprint) : undefined;
  const here = deps.references.storedDatabaseId();
  const items = (s: ReferenceSetFile) => (!reset && s.database !== undefined && s.database === here ? s.items.map(withoutLearned) : s.items);
  const totals = deps.references.writeSets(good.map((s) => ({ name: s.name, source: s.file, items: items(s) })), { reset, ...(embedder ? { embedder } : {}) });
  // A reset dropped every stored vector with its reference: the index starts over from SQLite.
  if (reset) deps.index.rebuild();
  const embedded = await deps.index.embedMissing();
  if (embedded > 0 || reset) deps.index.save();
  return {
    ...summarise(good),
    ...totals,
    embedded,
    skippedSets: sets.filter((s) => !good.includes(s)).map((s) => s.name),
    errors,
    warnings,
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * An export seeded back into the database it came from already holds what it learned (outcomes);
 * only after a reset, which drops them with the references, is its `learned` brought in again.
 */
function withoutLearned<T extends { learned?: unknown }>(item: T): Omit<T, 'learned'> {
  const { learned: _learned, ...rest } = item;
  return rest;
}

export interface SeedOptions {
  /** Replace every stored reference (only when every file is good). */
  readonly reset?: boolean;
  /** The catalog's model ids: records for any other model are reported with file:line. */
  readonly knownModels?: ReadonlySet<string>;
  /** Records for unknown models are errors (their set is not written) rather than warnings. */
  readonly strictModels?: boolean;
}

/** One line per record whose model is not in the catalog: a typo would otherwise be learned as a new model. */
function unknownModelLines(sets: readonly ReferenceSetFile[], known: ReadonlySet<string>): LineError[] {
  return sets.flatMap((set) =>
    set.items.flatMap((item) =>
      Object.keys({ ...item.records, ...item.learned })
        .filter((model) => !known.has(model))
        .map((model) => ({ file: set.file, line: item.line, reason: `records name '${model}', which is not a model in the catalog` })),
    ),
  );
}

function summarise(sets: readonly ReferenceSetFile[]): Pick<SeedSummary, 'sets' | 'prompts' | 'intents' | 'models'> {
  const intents = new Set<string>();
  const models = new Set<string>();
  let prompts = 0;
  for (const set of sets) {
    for (const item of set.items) {
      prompts += 1;
      if (item.intent !== null) intents.add(item.intent);
      for (const model of Object.keys(item.records)) models.add(model);
    }
  }
  return { sets: sets.length, prompts, intents: intents.size, models: models.size };
}

export interface FromDbSummary {
  references: number;
  embedded: number;
  seconds: number;
}

/**
 * Rebuilds everything derived from SQLite: records from seed records plus learned deltas, missing
 * vectors, and the whole index. What the database holds is the truth; this makes the rest agree.
 */
export async function reseedFromDatabase(
  deps: SeedDeps,
  /** buildIndex: build the index over a snapshot elsewhere (the server's fit worker); absent: here, on this thread. */
  options: { buildIndex?: SnapshotIndexBuilder } = {},
): Promise<FromDbSummary> {
  const start = performance.now();
  deps.references.recomputeAllRecords();
  const embedded = await deps.index.embedMissing();
  if (options.buildIndex) await deps.index.rebuildOffThread(options.buildIndex);
  else deps.index.rebuild();
  return { references: deps.index.size, embedded, seconds: (performance.now() - start) / 1000 };
}

/**
 * Writes every reference as one set file the seed reads back (format 2): a header naming this
 * database, then per reference its seed `records` and what was `learned` on top, kept apart so an
 * import keeps learned counts learned (a later re-post replaces only the seed). Returns the count.
 */
export function exportReferenceSet(deps: Pick<SeedDeps, 'references'>, file: string): number {
  const { database, references } = deps.references.exportAll();
  const header: SetHeader = { format: 'semroute-references', version: SET_FORMAT_VERSION, database, exportedAt: new Date().toISOString() };
  const lines = [header, ...references].map((r) => JSON.stringify(r));
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, lines.join('\n') + '\n');
  renameSync(tmp, file);
  return references.length;
}
