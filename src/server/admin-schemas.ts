import { z } from 'zod';
import { WinRecordSchema } from '../seeding/reference-file.js';
import { WinRecordOutSchema } from './schemas.js';

const INTENT_RULE = 'an intent is one word of letters, digits, _ . : or - (e.g. "code.review"), at most 100 characters';

/** An intent label, with a sentence instead of zod's regex dump when it is wrong. */
export const IntentSchema = z
  .string({ error: 'intent must be a string' })
  .trim()
  .min(1, { error: INTENT_RULE })
  .max(100, { error: INTENT_RULE })
  .regex(/^[\p{L}\p{N}_.:-]+$/u, { error: INTENT_RULE })
  .meta({ description: 'The reference\'s intent label: one word of letters, digits, _ . : or -.', examples: ['poetry'] });

/** A reference id in a path or query: "abc" or "1.5" gets a sentence, not "expected number, received NaN". */
export const ReferenceIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, { error: (issue) => `must be a positive whole number, such as 42; got '${String(issue.input)}'` })
  .transform(Number)
  .meta({ description: 'A reference id (as returned by POST /v1/admin/references).', examples: ['42'] });

const RecordsSchema = z
  .record(z.string().min(1, { error: 'a model id must not be empty' }).max(200, { error: 'a model id is at most 200 characters' }), WinRecordSchema)
  .meta({ description: 'Win/loss/tie counts per catalog model id on this prompt.', examples: [{ 'gpt-5-mini': { wins: 9, losses: 1, ties: 0 } }] });

/**
 * POST /v1/admin/references. Re-posting a prompt that is already stored replaces what is given and
 * keeps what is left out: `intent: null` clears the intent, an omitted intent keeps it; `records`
 * replace the seed records (models left out lose theirs), omitted records keep them. Learned
 * outcomes stay on top either way.
 */
export const AddReferenceSchema = z.strictObject({
  prompt: z
    .string({ error: 'prompt must be a string' })
    .trim()
    .min(1, { error: 'prompt must not be empty' })
    .max(32_000, { error: 'prompt must be at most 32,000 characters' })
    .meta({ description: 'The reference prompt; its content hash identifies it, so re-posting it updates it.', examples: ['Write a sonnet about autumn rain'] }),
  intent: IntentSchema.nullable()
    .optional()
    .meta({ description: 'Set it, clear it with null, or leave it out to keep the stored one (null for a new reference).', examples: ['poetry'] }),
  records: RecordsSchema.optional().meta({ description: 'Replaces the seed records when given; left out, the stored ones stay ({} for a new reference).' }),
});

export const AddReferenceResponseSchema = z.object({
  id: z.number().int().meta({ description: 'The reference id (stable; also its HNSW label).', examples: [42] }),
  created: z.boolean().meta({ description: 'True for a new reference, false when the prompt was stored already.', examples: [true] }),
  changed: z.boolean().meta({ description: 'Whether anything stored changed (false for an identical re-post).', examples: [true] }),
  unknownModels: z
    .array(z.string())
    .meta({ description: 'Record model ids that are not in the catalog (accepted unless strictModels is on; routing ignores them).', examples: [['gpt4o-mini']] }),
});

export const RebuildResponseSchema = z.object({
  references: z.number().int().meta({ description: 'References in the rebuilt index.', examples: [1200] }),
  embedded: z.number().int().meta({ description: 'References that had no vector and were embedded.', examples: [0] }),
  seconds: z.number().meta({ description: 'Wall time of the rebuild.', examples: [0.42] }),
});

const WinRecordOut = WinRecordOutSchema;

export const StoredReferenceSchema = z.object({
  id: z.number().int().meta({ description: 'Reference id.', examples: [42] }),
  prompt: z.string().meta({ description: 'The reference prompt.', examples: ['Write a sonnet about autumn rain'] }),
  intent: z.string().nullable().meta({ description: 'Intent label, or null.', examples: ['poetry'] }),
  set: z.string().meta({ description: 'The reference set it belongs to (seed file name, "admin" or "learned").', examples: ['admin'] }),
  origin: z.enum(['seed', 'admin', 'learned']).meta({ description: 'How it was created.', examples: ['admin'] }),
  createdAt: z.string().meta({ description: 'ISO 8601 time it was created.', examples: ['2026-11-30T21:00:00.000Z'] }),
  records: z.record(z.string(), WinRecordOut).meta({ description: 'What routing reads now: seed records plus learned outcomes.' }),
  seedRecords: z.record(z.string(), WinRecordOut).meta({ description: 'What the seed file or the admin post said.' }),
});

export const ReferenceListQuerySchema = z.strictObject({
  intent: IntentSchema.optional(),
  set: z.string().min(1).max(200).optional().meta({ description: 'Only references of this set.', examples: ['admin'] }),
  after: ReferenceIdSchema.optional().meta({ description: 'Only ids above this one: pass the previous page\'s nextAfter.', example: '42' }),
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, { error: 'limit is a whole number from 1 to 500' })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, { error: 'limit is a whole number from 1 to 500' })
    .optional()
    .meta({ description: 'Page size, 1 to 500 (default 50).', example: '50' }),
});

export const ReferenceListResponseSchema = z.object({
  data: z.array(StoredReferenceSchema).meta({ description: 'References in ascending id order.' }),
  nextAfter: z.number().int().nullable().meta({ description: 'Pass as `after` for the next page; null on the last page.', examples: [142] }),
});
