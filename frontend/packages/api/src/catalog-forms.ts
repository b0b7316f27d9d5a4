/**
 * Catalog form endpoints (hitsm/catalog/api/views.py `FormViewSet`, admins only): the forms the
 * designer draws, their draft schema, the published versions and the server-side check of sample
 * answers against the saved draft.
 *
 * Types are derived from the generated schema by path. The schema JSON itself is `unknown` there
 * (a JSONField); here it is the shared {@link FormSchema} (forms/schema.ts, docs/catalog.md).
 */
import { createHitsmClient, type HitsmClient } from './client';
import { unwrap } from './errors';
import type { FormData, FormErrors, FormSchema } from './forms/schema';
import type { QueryParams, RequestBody, ResponseData } from './types';

type RawForm = ResponseData<'/api/v1/catalog/forms/', 'get'>[number];
type RawVersion = ResponseData<'/api/v1/catalog/forms/{id}/versions/', 'get'>[number];

/** A catalog form as the list and the detail return it. */
export type CatalogForm = Omit<RawForm, 'draft_schema' | 'published_version' | 'published_at'> & {
  description: string;
  draft_schema: FormSchema;
  /** The latest published version number, null before the first publish. */
  published_version: number | null;
  published_at: string | null;
};

export type CatalogFormCreate = Omit<RequestBody<'/api/v1/catalog/forms/', 'post'>, 'draft_schema'> & {
  draft_schema?: FormSchema;
};

/** `code` cannot change once the form exists (tickets and exports name forms by it). */
export type CatalogFormPatch = Omit<RequestBody<'/api/v1/catalog/forms/{id}/', 'patch'>, 'code' | 'draft_schema'> & {
  draft_schema?: FormSchema;
};

/** One frozen version of a form (publishing freezes the draft as version N). */
export type CatalogFormVersion = Omit<RawVersion, 'schema' | 'note'> & { schema: FormSchema; note: string };

/** The check's answer: errors keyed like the renderer's (`key`, `key.<row>.<column>`), and the cleaned data. */
export type CatalogFormCheck = Omit<ResponseData<'/api/v1/catalog/forms/{id}/check/', 'post'>, 'errors' | 'cleaned'> & {
  errors: FormErrors;
  cleaned: FormData;
};

/** `q` searches name and code (the view reads it; the schema lists DRF's generic filters). */
export type CatalogFormQuery = QueryParams<'/api/v1/catalog/forms/', 'get'> & { q?: string };

export function createCatalogFormEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  return {
    /** Every form (not paged), optionally filtered by name or code. */
    async listCatalogForms(query: CatalogFormQuery = {}): Promise<CatalogForm[]> {
      const rows = unwrap(await client.GET('/api/v1/catalog/forms/', { params: { query } }));
      return rows as unknown as CatalogForm[];
    },
    async getCatalogForm(id: number): Promise<CatalogForm> {
      return unwrap(await client.GET('/api/v1/catalog/forms/{id}/', path(id))) as unknown as CatalogForm;
    },
    async createCatalogForm(body: CatalogFormCreate): Promise<CatalogForm> {
      return unwrap(await client.POST('/api/v1/catalog/forms/', { body })) as unknown as CatalogForm;
    },
    /** 400 with fields keyed like `draft_schema.fields.3.options` when the schema is invalid. */
    async patchCatalogForm(id: number, body: CatalogFormPatch): Promise<CatalogForm> {
      return unwrap(await client.PATCH('/api/v1/catalog/forms/{id}/', { ...path(id), body })) as unknown as CatalogForm;
    },
    /** 400 `form_in_use` while an item or a ticket uses the form. */
    async deleteCatalogForm(id: number): Promise<void> {
      await client.DELETE('/api/v1/catalog/forms/{id}/', path(id));
    },
    /**
     * Freeze the saved draft as the next version: 400 `empty_form` without fields, 409
     * `unchanged_form` when the draft is the published version already.
     */
    async publishCatalogForm(id: number, note = ''): Promise<CatalogFormVersion> {
      const version = unwrap(await client.POST('/api/v1/catalog/forms/{id}/publish/', { ...path(id), body: { note } }));
      return version as unknown as CatalogFormVersion;
    },
    /** The published versions, newest first. */
    async listCatalogFormVersions(id: number): Promise<CatalogFormVersion[]> {
      return unwrap(await client.GET('/api/v1/catalog/forms/{id}/versions/', path(id))) as unknown as CatalogFormVersion[];
    },
    /** Validate sample answers against the draft the server has (save first). */
    async checkCatalogForm(id: number, data: FormData): Promise<CatalogFormCheck> {
      return unwrap(await client.POST('/api/v1/catalog/forms/{id}/check/', { ...path(id), body: { data } })) as unknown as CatalogFormCheck;
    },
  };
}

export type CatalogFormEndpoints = ReturnType<typeof createCatalogFormEndpoints>;

/** The catalog form endpoints over a browser-configured client (settings via `configureApi`). */
export const catalogFormApi: CatalogFormEndpoints = createCatalogFormEndpoints(createHitsmClient());

export const {
  listCatalogForms,
  getCatalogForm,
  createCatalogForm,
  patchCatalogForm,
  deleteCatalogForm,
  publishCatalogForm,
  listCatalogFormVersions,
  checkCatalogForm,
} = catalogFormApi;
