/** One prompt of a routing dataset with every model's measured outcome on it. */
export interface EvalRow {
  /** The text the router sees (embedded and searched). */
  readonly prompt: string;
  /** Score per model in [0,1]; a model missing here has no known outcome on this prompt. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** USD per model for this prompt, when the dataset measured it; else the dataset's per-call costs apply. */
  readonly costs?: Readonly<Record<string, number>>;
  readonly split?: 'train' | 'test';
  /** Reported separately (benchmark or task name); also the references' intent. */
  readonly group?: string;
}

/** A dataset ready for replay: rows, the models they score, and how costs were obtained. */
export interface EvalDataset {
  readonly name: string;
  readonly rows: readonly EvalRow[];
  readonly models: readonly string[];
  /** USD per call for models without per-row costs (a stated assumption, see `costNote`). */
  readonly perCallCost?: Readonly<Record<string, number>>;
  /** One line saying where the costs come from, printed with the results. */
  readonly costNote: string;
  /** For two-model sets: which model is the strong one (RouteLLM metrics). */
  readonly strongModel?: string;
  /** Rows dropped while reading, with why (contamination, unknown outcomes, …). */
  readonly notes: readonly string[];
}
