import { Hono } from 'hono';
import { z } from 'zod';
import { WinRecordSchema } from '../../seeding/reference-file.js';
import { AppError } from '../../shared/errors.js';
import { contentHash } from '../../store/content-hash.js';
import type { AppDeps } from '../app.js';
import type { AppEnv } from '../env.js';
import { requireBearer } from '../middleware/bearer.js';
import { parseJsonBody, parseWith } from '../validate.js';

export const AddReferenceSchema = z.strictObject({
  prompt: z.string().trim().min(1).max(32_000),
  intent: z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N}_.:-]+$/u).nullable().default(null),
  records: z.record(z.string().min(1).max(200), WinRecordSchema).default({}),
});
export const AddReferenceResponseSchema = z.object({ id: z.number().int(), created: z.boolean() });
export const RebuildResponseSchema = z.object({ references: z.number().int(), embedded: z.number().int(), seconds: z.number() });

/** Changes to the reference set, behind the admin bearer token. Mounted only when a token is configured. */
export const adminRoutes = (deps: AppDeps, token: string) =>
  new Hono<AppEnv>()
    .use('*', requireBearer(token))
    .post('/references', async (c) => {
      const body = await parseJsonBody(c, AddReferenceSchema);
      const hash = contentHash(body.prompt);
      const existed = deps.references.idByHash(hash) !== null;
      deps.references.writeSet('admin', 'admin api', [{ text: body.prompt, intent: body.intent, contentHash: hash, records: body.records }]);
      await deps.index.embedMissing();
      deps.admin.referencesChanged();
      const id = deps.references.idByHash(hash) ?? 0;
      c.get('event')['reference_id'] = id;
      return c.json(AddReferenceResponseSchema.parse({ id, created: !existed }), existed ? 200 : 201);
    })
    .delete('/references/:id', (c) => {
      const id = parseWith(z.coerce.number().int().positive(), c.req.param('id'), 'reference id');
      if (!deps.references.remove(id)) throw new AppError('NOT_FOUND', `no reference with id ${id}`);
      deps.index.remove(id);
      deps.admin.referencesChanged();
      return c.body(null, 204);
    })
    .post('/rebuild', async (c) => c.json(RebuildResponseSchema.parse(await deps.admin.rebuild())));
