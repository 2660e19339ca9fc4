/** How a model fared on one reference prompt; a tie counts half a win. */
export interface WinRecord {
  wins: number;
  losses: number;
  ties: number;
}

export type ModelRecords = ReadonlyMap<string, WinRecord>;

export interface ReferencePrompt {
  readonly id: number;
  readonly text: string;
  readonly intent: string | null;
  readonly setName: string;
}

/** One reference as a seed file describes it, before it has an id. */
export interface ReferenceInput {
  readonly text: string;
  readonly intent: string | null;
  readonly contentHash: string;
  readonly records: Readonly<Record<string, WinRecord>>;
  /** What another database had learned for it (an export's `learned`); absent keeps what is stored. */
  readonly learned?: Readonly<Record<string, WinRecord>>;
}

export function trials(r: WinRecord): number {
  return r.wins + r.losses + r.ties;
}

/** How much one outcome moves one reference's record for one model. */
export interface RecordDelta extends WinRecord {
  readonly referenceId: number;
  readonly model: string;
}
