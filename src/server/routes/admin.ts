import { Hono } from 'hono';
import { AppError } from '../../shared/errors.js';
import { contentHash } from '../../store/content-hash.js';
import type { AppDeps } from '../app.js';
import {
  AddReferenceResponseSchema,
  AddReferenceSchema,
  RebuildResponseSchema,
  ReferenceIdSchema,
  ReferenceListQuerySchema,
  ReferenceListResponseSchema,
  StoredReferenceSchema,
} from '../admin-schemas.js';
import type { AppEnv } from '../env.js';
import { requireBearer } from '../middleware/bearer.js';
import { parseJsonBody, parseWith } from '../validate.js';

export { AddReferenceResponseSchema, AddReferenceSchema, RebuildResponseSchema } from '../admin-schemas.js';

/** Changes to the reference set, behind the admin bearer token. Mounted only when a token is configured. */
export const adminRoutes = (deps: AppDeps, token: string) =>
  new Hono<AppEnv>()
    .use('*', requireBearer(token))
    .post('/references', async (c) => {
      const body = await parseJsonBody(c, AddReferenceSchema);
      const unknownModels = unknownModelsIn(body.records ?? {}, deps);
      if (unknownModels.length > 0 && deps.strictModels) {
        const details = unknownModels.map((m) => ({ path: `records.${m}`, message: `'${m}' is not a model in the catalog` }));
        throw new AppError('VALIDATION_FAILED', `records name models that are not in the catalog: ${unknownModels.join(', ')} (strictModels is on)`, details);
      }
      const put = deps.references.putReference(
        { text: body.prompt, contentHash: contentHash(body.prompt), ...(body.intent !== undefined ? { intent: body.intent } : {}), ...(body.records ? { records: body.records } : {}) },
        'admin',
      );
      if (put.changed) {
        await deps.index.embedMissing();
        await deps.admin.referencesChanged();
      }
      Object.assign(c.get('event'), { reference_id: put.id, unknown_models: unknownModels.length });
      return c.json(AddReferenceResponseSchema.parse({ ...put, unknownModels }), put.created ? 201 : 200);
    })
    .get('/references', (c) => {
      const query = parseWith(ReferenceListQuerySchema, c.req.query(), 'query');
      const page = deps.references.listing.page({ ...query, limit: query.limit ?? 50 });
      return c.json(ReferenceListResponseSchema.parse(page));
    })
    .get('/references/:id', (c) => {
      const id = parseWith(ReferenceIdSchema, c.req.param('id'), 'reference id');
      const found = deps.references.listing.get(id);
      if (!found) throw new AppError('NOT_FOUND', `no reference with id ${id}`);
      return c.json(StoredReferenceSchema.parse(found));
    })
    .delete('/references/:id', async (c) => {
      const id = parseWith(ReferenceIdSchema, c.req.param('id'), 'reference id');
      if (!deps.references.remove(id)) throw new AppError('NOT_FOUND', `no reference with id ${id}`);
      deps.index.remove(id);
      await deps.admin.referencesChanged();
      return c.body(null, 204);
    })
    .post('/rebuild', async (c) => c.json(RebuildResponseSchema.parse(await deps.admin.rebuild())));

function unknownModelsIn(records: Readonly<Record<string, unknown>>, deps: Pick<AppDeps, 'catalog'>): string[] {
  const known = new Set(deps.catalog.map((m) => m.id));
  return Object.keys(records).filter((m) => !known.has(m));
}
