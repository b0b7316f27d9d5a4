/**
 * CMDB endpoints (hitsm/cmdb/api/views.py): classes and their attributes, relation types,
 * configuration items with impact, dependencies, the B&IT diagram, relations and history, the
 * Excel export and import. One typed function each; types are derived from the generated schema
 * (by path where an operation returns the shape).
 */
import type { HitsmClient } from './client';
import { ApiError, unwrap } from './errors';
import type { components } from './schema';
import { filenameFromDisposition } from './tickets';
import type { Job, QueryParams, RequestBody, ResponseData } from './types';

type Schemas = components['schemas'];

export type ObashiLayer = Schemas['ObashiLayerEnum'];
export type CiStatus = Schemas['CIStatusEnum'];
export type CiAttributeType = Schemas['TypeEnum'];
export type CiAttribute = Schemas['Attribute'];
export type CiAttributeRequest = RequestBody<'/api/v1/cmdb/attributes/', 'post'>;
export type CiAttributePatch = RequestBody<'/api/v1/cmdb/attributes/{id}/', 'patch'>;
export type CiClass = ResponseData<'/api/v1/cmdb/classes/', 'get'>[number];
export type CiClassQuery = QueryParams<'/api/v1/cmdb/classes/', 'get'>;
export type CiClassRequest = RequestBody<'/api/v1/cmdb/classes/', 'post'>;
export type CiClassPatch = RequestBody<'/api/v1/cmdb/classes/{id}/', 'patch'>;
export type CiClassBrief = Schemas['CIClassBrief'];
export type CiRelationType = Schemas['RelationType'];

/** Attribute values keyed by attribute code, in their canonical JSON form. */
export type CiAttributeValues = CiItem['attributes'];

export type CiItem = ResponseData<'/api/v1/cmdb/items/{id}/', 'get'>;
export type CiItemPage = ResponseData<'/api/v1/cmdb/items/', 'get'>;
export type CiItemQuery = QueryParams<'/api/v1/cmdb/items/', 'get'>;
export type CiItemRequest = RequestBody<'/api/v1/cmdb/items/', 'post'>;
export type CiItemPatch = RequestBody<'/api/v1/cmdb/items/{id}/', 'patch'>;
/** The filters the Excel export applies (the list's, without paging). */
export type CiExportQuery = QueryParams<'/api/v1/cmdb/items/export/', 'get'>;
/** The support group that looks after a CI (`{id, code, name}`). */
export type CiSupportGroup = NonNullable<CiItem['support_group']>;

/** A CI as the graph answers (impact, dependencies, diagram). */
export type CiDiagram = ResponseData<'/api/v1/cmdb/items/{id}/diagram/', 'get'>;
export type CiGraphNode = CiDiagram['nodes'][number];
export type CiDiagramEdge = CiDiagram['edges'][number];
export type CiDiagramQuery = QueryParams<'/api/v1/cmdb/items/{id}/diagram/', 'get'>;
export type CiDiagramDirection = NonNullable<CiDiagramQuery['direction']>;
export type CiImpact = ResponseData<'/api/v1/cmdb/items/{id}/impact/', 'get'>;
export type CiDataFlow = CiImpact['data_flows'][number];
export type CiDependencies = ResponseData<'/api/v1/cmdb/items/{id}/dependencies/', 'get'>;

export type CiRelationPage = ResponseData<'/api/v1/cmdb/relations/', 'get'>;
/** `data_set` is null except on data flows. */
export type CiRelation = CiRelationPage['results'][number];
export type CiRef = CiRelation['source'];
export type CiRelationQuery = QueryParams<'/api/v1/cmdb/relations/', 'get'>;
export type CiRelationRequest = RequestBody<'/api/v1/cmdb/relations/', 'post'>;

/** One change log row: `before`/`after` are field snapshots, `changed_fields` their names. */
export type CiChange = ResponseData<'/api/v1/cmdb/items/{id}/history/', 'get'>[number];

/** One row the import could not save (`result.errors` of a `cmdb.ci_import` job). */
export interface CiImportError {
  sheet: string;
  row: number;
  code: string;
  message: string;
}

/** The API's largest page (hitsm/api/pagination.py). */
const RELATION_PAGE_SIZE = 200;

export function createCmdbEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  /** One page of relations; `among` goes comma-separated (`among=1,2,3`), as the server reads it. */
  async function listCiRelationPage(query: CiRelationQuery = {}): Promise<CiRelationPage> {
    return unwrap(
      await client.GET('/api/v1/cmdb/relations/', {
        params: { query },
        querySerializer: { array: { style: 'form', explode: false } },
      }),
    );
  }
  return {
    /** Every class with its attributes and item count (not paged). */
    async listCiClasses(query: CiClassQuery = {}): Promise<CiClass[]> {
      return unwrap(await client.GET('/api/v1/cmdb/classes/', { params: { query } }));
    },
    async createCiClass(body: CiClassRequest): Promise<CiClass> {
      return unwrap(await client.POST('/api/v1/cmdb/classes/', { body }));
    },
    async patchCiClass(id: number, body: CiClassPatch): Promise<CiClass> {
      return unwrap(await client.PATCH('/api/v1/cmdb/classes/{id}/', { ...path(id), body }));
    },

    async createCiAttribute(body: CiAttributeRequest): Promise<CiAttribute> {
      return unwrap(await client.POST('/api/v1/cmdb/attributes/', { body }));
    },
    async patchCiAttribute(id: number, body: CiAttributePatch): Promise<CiAttribute> {
      return unwrap(await client.PATCH('/api/v1/cmdb/attributes/{id}/', { ...path(id), body }));
    },
    async deleteCiAttribute(id: number): Promise<void> {
      await client.DELETE('/api/v1/cmdb/attributes/{id}/', path(id));
    },

    async listRelationTypes(): Promise<CiRelationType[]> {
      return unwrap(await client.GET('/api/v1/cmdb/relation-types/'));
    },

    async listCiItems(query: CiItemQuery = {}): Promise<CiItemPage> {
      return unwrap(await client.GET('/api/v1/cmdb/items/', { params: { query } }));
    },
    async getCiItem(id: number): Promise<CiItem> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/', path(id)));
    },
    async createCiItem(body: CiItemRequest): Promise<CiItem> {
      return unwrap(await client.POST('/api/v1/cmdb/items/', { body }));
    },
    async patchCiItem(id: number, body: CiItemPatch): Promise<CiItem> {
      return unwrap(await client.PATCH('/api/v1/cmdb/items/{id}/', { ...path(id), body }));
    },
    /** Refused with 409 `cmdb.item_in_use` while a data flow or a ticket refers to the item. */
    async deleteCiItem(id: number): Promise<void> {
      await client.DELETE('/api/v1/cmdb/items/{id}/', path(id));
    },

    async getCiImpact(id: number): Promise<CiImpact> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/impact/', path(id)));
    },
    async getCiDependencies(id: number): Promise<CiDependencies> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/dependencies/', path(id)));
    },
    async getCiDiagram(id: number, query: CiDiagramQuery = {}): Promise<CiDiagram> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/diagram/', { params: { path: { id }, query } }));
    },
    async listCiRelations(id: number): Promise<CiRelation[]> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/relations/', path(id)));
    },
    async listCiHistory(id: number): Promise<CiChange[]> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/history/', path(id)));
    },

    listCiRelationPage,
    /**
     * Every relation whose two ends are both among `ids`, all pages read (the B&IT diagram's
     * arrows between boxes already drawn). The server reads at most 1000 ids; keep the list to
     * a few hundred so that the URL stays short.
     */
    async listCiRelationsAmong(ids: readonly number[]): Promise<CiRelation[]> {
      const among = [...new Set(ids)].map(String);
      if (among.length < 2) return [];
      const all: CiRelation[] = [];
      for (let page = 1; ; page += 1) {
        const result = await listCiRelationPage({ among, page, page_size: RELATION_PAGE_SIZE });
        all.push(...result.results);
        if (!result.next || result.results.length === 0) return all;
      }
    },

    async createCiRelation(body: CiRelationRequest): Promise<CiRelation> {
      return unwrap(await client.POST('/api/v1/cmdb/relations/', { body }));
    },
    async deleteCiRelation(id: number): Promise<void> {
      await client.DELETE('/api/v1/cmdb/relations/{id}/', path(id));
    },

    /** The xlsx of every item matching the list filters (no paging), with the server's file name. */
    async exportCiItems(query: CiItemQuery = {}): Promise<{ blob: Blob; filename: string }> {
      const { page: _page, page_size: _size, ...filters } = query;
      const exported: CiExportQuery = filters;
      const { data, response } = await client.GET('/api/v1/cmdb/items/export/', {
        params: { query: exported },
        parseAs: 'blob',
      });
      if (!data) throw new ApiError(response.status, 'parse_error', `Empty response from ${response.url}`);
      return {
        blob: data as Blob,
        filename: filenameFromDisposition(response.headers.get('Content-Disposition'), 'cmdb.xlsx'),
      };
    },
    /** Plain link target for the import template (a same-origin download using the session). */
    ciImportTemplateUrl(): string {
      return '/api/v1/cmdb/items/import-template/';
    },
    /** `POST cmdb/imports/` as multipart with one `file` field; answers 202 with the Job. */
    async uploadCiImport(file: Blob, filename?: string): Promise<Job> {
      const form = new FormData();
      if (filename === undefined) form.append('file', file);
      else form.append('file', file, filename);
      const job = unwrap(
        await client.POST('/api/v1/cmdb/imports/', {
          body: form as unknown as { file: string },
          bodySerializer: (value: unknown) => value as FormData,
        }),
      );
      return job as Job;
    },
  };
}

export type CmdbEndpoints = ReturnType<typeof createCmdbEndpoints>;
