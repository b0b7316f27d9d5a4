/**
 * CMDB endpoints (hitsm/cmdb/api/views.py): classes and their attributes, relation types,
 * configuration items with impact, dependencies, the B&IT diagram, relations and history, the
 * Excel export and import. One typed function each; types are derived from the generated schema
 * by path, with the few shapes drf-spectacular cannot express fixed here.
 */
import type { HitsmClient } from './client';
import { ApiError } from './errors';
import type { components } from './schema';
import { filenameFromDisposition } from './tickets';
import type { Job, QueryParams, RequestBody, ResponseData } from './types';

type Schemas = components['schemas'];

export type ObashiLayer = Schemas['LayerEnum'];
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
export type CiAttributeValues = Record<string, unknown>;

type RawItem = Schemas['ConfigurationItem'];
/** `owner_department` may be null and `attributes` is an object (the schema says neither). */
export type CiItem = Omit<RawItem, 'owner_department' | 'attributes'> & {
  owner_department: Schemas['DepartmentRef'] | null;
  attributes: CiAttributeValues;
};
export type CiItemPage = Omit<ResponseData<'/api/v1/cmdb/items/', 'get'>, 'results'> & { results: CiItem[] };
export type CiItemQuery = QueryParams<'/api/v1/cmdb/items/', 'get'>;
export type CiItemRequest = RequestBody<'/api/v1/cmdb/items/', 'post'>;
export type CiItemPatch = RequestBody<'/api/v1/cmdb/items/{id}/', 'patch'>;

/** A CI as the graph answers (impact, dependencies, diagram). */
export type CiGraphNode = Omit<Schemas['GraphNode'], 'layer'> & { layer: ObashiLayer };
export type CiDiagramEdge = Schemas['DiagramEdge'];
export interface CiDiagram {
  nodes: CiGraphNode[];
  edges: CiDiagramEdge[];
  truncated: boolean;
}
export type CiDiagramDirection = 'down' | 'up' | 'both';
export type CiDataFlow = Schemas['DataFlow'];
export type CiImpact = Omit<Schemas['Impact'], 'item' | 'business_activities' | 'applications' | 'owners'> & {
  item: CiGraphNode;
  business_activities: CiGraphNode[];
  applications: CiGraphNode[];
  owners: CiGraphNode[];
};
export type CiDependencies = Omit<Schemas['Dependencies'], 'item' | 'items'> & {
  item: CiGraphNode;
  items: CiGraphNode[];
};

export type CiRef = Schemas['CIRef'];
/** `data_set` is null except on data flows. */
export type CiRelation = Omit<Schemas['Relation'], 'data_set'> & { data_set: CiRef | null };
export type CiRelationRequest = RequestBody<'/api/v1/cmdb/relations/', 'post'>;

type RawChange = ResponseData<'/api/v1/cmdb/items/{id}/history/', 'get'>[number];
/** One change log row: `before`/`after` are field snapshots, `changed_fields` their names. */
export type CiChange = Omit<RawChange, 'changed_fields' | 'before' | 'after'> & {
  changed_fields: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

/** One row the import could not save (`result.errors` of a `cmdb.ci_import` job). */
export interface CiImportError {
  sheet: string;
  row: number;
  code: string;
  message: string;
}

interface Result<T> {
  data?: T;
  response: Response;
}

function unwrap<T>({ data, response }: Result<T>): T {
  if (data === undefined) {
    throw new ApiError(response.status, 'parse_error', `Empty response from ${response.url}`);
  }
  return data;
}

export function createCmdbEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
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
      return unwrap(await client.GET('/api/v1/cmdb/items/', { params: { query } })) as CiItemPage;
    },
    async getCiItem(id: number): Promise<CiItem> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/', path(id))) as CiItem;
    },
    async createCiItem(body: CiItemRequest): Promise<CiItem> {
      return unwrap(await client.POST('/api/v1/cmdb/items/', { body })) as CiItem;
    },
    async patchCiItem(id: number, body: CiItemPatch): Promise<CiItem> {
      return unwrap(await client.PATCH('/api/v1/cmdb/items/{id}/', { ...path(id), body })) as CiItem;
    },
    /** Refused with 409 `cmdb.item_in_use` while a data flow or a ticket refers to the item. */
    async deleteCiItem(id: number): Promise<void> {
      await client.DELETE('/api/v1/cmdb/items/{id}/', path(id));
    },

    async getCiImpact(id: number): Promise<CiImpact> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/impact/', path(id))) as CiImpact;
    },
    async getCiDependencies(id: number): Promise<CiDependencies> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/dependencies/', path(id))) as CiDependencies;
    },
    async getCiDiagram(id: number, query: { depth?: number; direction?: CiDiagramDirection } = {}): Promise<CiDiagram> {
      return unwrap(
        await client.GET('/api/v1/cmdb/items/{id}/diagram/', { params: { path: { id }, query } }),
      ) as CiDiagram;
    },
    async listCiRelations(id: number): Promise<CiRelation[]> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/relations/', path(id))) as CiRelation[];
    },
    async listCiHistory(id: number): Promise<CiChange[]> {
      return unwrap(await client.GET('/api/v1/cmdb/items/{id}/history/', path(id))) as CiChange[];
    },

    async createCiRelation(body: CiRelationRequest): Promise<CiRelation> {
      return unwrap(await client.POST('/api/v1/cmdb/relations/', { body })) as CiRelation;
    },
    async deleteCiRelation(id: number): Promise<void> {
      await client.DELETE('/api/v1/cmdb/relations/{id}/', path(id));
    },

    /** The xlsx of every item matching the list filters (no paging), with the server's file name. */
    async exportCiItems(query: CiItemQuery = {}): Promise<{ blob: Blob; filename: string }> {
      const { page: _page, page_size: _size, ...filters } = query;
      const { data, response } = await client.GET('/api/v1/cmdb/items/export/', {
        // The schema lists no query for this action; the server applies the list's filters.
        params: { query: filters as never },
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
