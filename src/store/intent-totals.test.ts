import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/test-deps.js';
import { openDatabase, type Db } from './db.js';
import { SqliteReferenceStore } from './reference-store.js';
import type { ReferenceInput } from './types.js';

const item = (text: string, intent: string | null, wins: number, losses: number): ReferenceInput => ({
  text,
  intent,
  contentHash: `hash-${text}`,
  records: { 'model-a': { wins, losses, ties: 0 }, 'model-b': { wins: losses, losses: wins, ties: 1 } },
});

describe('SqliteReferenceStore.intentTotals (the intent ranking’s records)', () => {
  const open: Db[] = [];
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function store(): SqliteReferenceStore {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = openDatabase(`${dir}/r.sqlite`);
    open.push(db);
    return new SqliteReferenceStore(db);
  }

  it('sums each model’s records per intent, leaves references without an intent out, and follows learned deltas', () => {
    const s = store();
    s.writeSet('set', null, [item('two plus two', 'math', 3, 1), item('integrate x', 'math', 1, 1), item('hi there', 'chat', 0, 2), item('untagged', null, 5, 0)]);
    const totals = s.intentTotals();
    expect([...totals.keys()].sort()).toEqual(['chat', 'math']);
    expect(totals.get('math')?.get('model-a')).toEqual({ wins: 4, losses: 2, ties: 0 });
    expect(totals.get('math')?.get('model-b')).toEqual({ wins: 2, losses: 4, ties: 2 });
    expect(totals.get('chat')?.get('model-a')).toEqual({ wins: 0, losses: 2, ties: 0 });
    const chatId = s.idByHash('hash-hi there') ?? -1;
    s.addToRecords([{ referenceId: chatId, model: 'model-a', wins: 1, losses: 0, ties: 0 }]);
    expect(s.intentTotals().get('chat')?.get('model-a')).toEqual({ wins: 1, losses: 2, ties: 0 });
  });
});
