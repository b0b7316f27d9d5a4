/**
 * Catalog administration (hitsm/catalog/api/views.py, servicedesk/api/catalog_views.py and
 * sla/api/views.py `CatalogExpectationsView`): the menu's categories, the items with their
 * visibility, form, ticket defaults and OBASHI links, the NFR and PBA records of applications,
 * the OBASHI statistics and the times an item promises.
 *
 * Types are derived from the generated schema by path. The functions live on one object,
 * {@link catalogAdminApi}, so their names cannot clash with the requester's catalog module.
 */
import { createHitsmClient, type HitsmClient } from './client';
import { unwrap } from './errors';
import type { components } from './schema';
import type { QueryParams, RequestBody, ResponseData } from './types';

type Schemas = components['schemas'];

/** A heading of the service menu (a tree through `parent`); `item_count` counts its items. */
export type CatalogAdminCategory = ResponseData<'/api/v1/catalog/categories/', 'get'>[number];
export type CatalogAdminCategoryRequest = RequestBody<'/api/v1/catalog/categories/', 'post'>;
export type CatalogAdminCategoryPatch = RequestBody<'/api/v1/catalog/categories/{id}/', 'patch'>;

/** A catalog item with every administration field (IT staff see all items). The read endpoints
 * answer requesters with the short `RequesterItem` instead; this module is for IT staff only. */
export type CatalogAdminItem = Schemas['CatalogItem'];
export type CatalogAdminItemQuery = QueryParams<'/api/v1/catalog/items/', 'get'>;
export type CatalogAdminItemRequest = RequestBody<'/api/v1/catalog/items/', 'post'>;
export type CatalogAdminItemPatch = RequestBody<'/api/v1/catalog/items/{id}/', 'patch'>;
/** A CI an item (or a pattern) links to: `{id, code, name, class_code, class_name, layer}`. */
export type CatalogLinkedCi = Schemas['CatalogCI'];
/** The response and resolution times an item promises for an impact, urgency and department. */
export type CatalogAdminExpectations = ResponseData<'/api/v1/catalog/items/{id}/expectations/', 'get'>;
export type CatalogAdminExpectationsQuery = QueryParams<'/api/v1/catalog/items/{id}/expectations/', 'get'>;
/** A form as the item editor's picker lists it (the designer has its own module). */
export type CatalogAdminForm = ResponseData<'/api/v1/catalog/forms/', 'get'>[number];
export type CatalogItemRole = Schemas['RolesEnum'];
export type CatalogImpact = Schemas['ImpactEnum'];
export type CatalogUrgency = Schemas['UrgencyEnum'];

/** Non-functional requirements of one application CI; decimals arrive as strings. */
export type NfrRecord = ResponseData<'/api/v1/catalog/nfr/', 'get'>[number];
export type NfrRecordQuery = QueryParams<'/api/v1/catalog/nfr/', 'get'>;
export type NfrRecordRequest = RequestBody<'/api/v1/catalog/nfr/', 'post'>;
export type NfrRecordPatch = RequestBody<'/api/v1/catalog/nfr/{id}/', 'patch'>;
/** Sums over the records, how many records gave each value and how many were summed. */
export type NfrTotals = ResponseData<'/api/v1/catalog/nfr/totals/', 'get'>;

/** A pattern of business activity (PBA): calendar, peaks, activities, applications, stakeholders. */
export type ActivityPattern = ResponseData<'/api/v1/catalog/patterns/', 'get'>[number];
export type ActivityPatternQuery = QueryParams<'/api/v1/catalog/patterns/', 'get'>;
export type ActivityPatternRequest = RequestBody<'/api/v1/catalog/patterns/', 'post'>;
export type ActivityPatternPatch = RequestBody<'/api/v1/catalog/patterns/{id}/', 'patch'>;
export type PbaWeekday = Schemas['DaysEnum'];
export type PbaPeak = Schemas['Peak'];
export type PbaStakeholder = Schemas['Stakeholder'];
export type PbaStakeholderRole = Schemas['StakeholderRoleEnum'];

/** Tickets per CI and month in the three OBASHI layers a catalog links to. */
export type ObashiStats = ResponseData<'/api/v1/catalog/stats/', 'get'>;
export type ObashiStatsQuery = QueryParams<'/api/v1/catalog/stats/', 'get'>;
export type ObashiStatRow = Schemas['StatRow'];
export type ObashiStatLayer = keyof ObashiStats['layers'];

export function createCatalogAdminEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  return {
    /** Every menu category, active or not, in menu order (not paged). */
    async listCategories(): Promise<CatalogAdminCategory[]> {
      return unwrap(await client.GET('/api/v1/catalog/categories/'));
    },
    async createCategory(body: CatalogAdminCategoryRequest): Promise<CatalogAdminCategory> {
      return unwrap(await client.POST('/api/v1/catalog/categories/', { body }));
    },
    async patchCategory(id: number, body: CatalogAdminCategoryPatch): Promise<CatalogAdminCategory> {
      return unwrap(await client.PATCH('/api/v1/catalog/categories/{id}/', { ...path(id), body }));
    },
    /** 400 `category_in_use` while it still holds items or sub-categories. */
    async deleteCategory(id: number): Promise<void> {
      await client.DELETE('/api/v1/catalog/categories/{id}/', path(id));
    },

    /** Every item (IT staff see all), in menu order; not paged. */
    async listItems(query: CatalogAdminItemQuery = {}): Promise<CatalogAdminItem[]> {
      return unwrap(await client.GET('/api/v1/catalog/items/', { params: { query } })) as CatalogAdminItem[];
    },
    async getItem(id: number): Promise<CatalogAdminItem> {
      return unwrap(await client.GET('/api/v1/catalog/items/{id}/', path(id))) as CatalogAdminItem;
    },
    async createItem(body: CatalogAdminItemRequest): Promise<CatalogAdminItem> {
      return unwrap(await client.POST('/api/v1/catalog/items/', { body }));
    },
    /** `departments`, `roles` and `configuration_items`, when sent, replace the item's lists. */
    async patchItem(id: number, body: CatalogAdminItemPatch): Promise<CatalogAdminItem> {
      return unwrap(await client.PATCH('/api/v1/catalog/items/{id}/', { ...path(id), body }));
    },
    /** 400 `item_in_use` once tickets used the item (deactivate it instead). */
    async deleteItem(id: number): Promise<void> {
      await client.DELETE('/api/v1/catalog/items/{id}/', path(id));
    },
    /** The item's defaults, or the given impact/urgency, for a department (default: the caller's). */
    async getItemExpectations(id: number, query: CatalogAdminExpectationsQuery = {}): Promise<CatalogAdminExpectations> {
      return unwrap(await client.GET('/api/v1/catalog/items/{id}/expectations/', { params: { path: { id }, query } }));
    },
    /** Every form with its published version number (admins and IT managers). */
    async listForms(): Promise<CatalogAdminForm[]> {
      return unwrap(await client.GET('/api/v1/catalog/forms/'));
    },

    async listNfr(query: NfrRecordQuery = {}): Promise<NfrRecord[]> {
      return unwrap(await client.GET('/api/v1/catalog/nfr/', { params: { query } }));
    },
    /** One record per application: a second one is refused on `application`. */
    async createNfr(body: NfrRecordRequest): Promise<NfrRecord> {
      return unwrap(await client.POST('/api/v1/catalog/nfr/', { body }));
    },
    async patchNfr(id: number, body: NfrRecordPatch): Promise<NfrRecord> {
      return unwrap(await client.PATCH('/api/v1/catalog/nfr/{id}/', { ...path(id), body }));
    },
    async deleteNfr(id: number): Promise<void> {
      await client.DELETE('/api/v1/catalog/nfr/{id}/', path(id));
    },
    /** Sums over the records the list's filters select (the schema lists no query for it). */
    async getNfrTotals(query: NfrRecordQuery = {}): Promise<NfrTotals> {
      return unwrap(await client.GET('/api/v1/catalog/nfr/totals/', { params: { query: query as never } }));
    },

    async listPatterns(query: ActivityPatternQuery = {}): Promise<ActivityPattern[]> {
      return unwrap(await client.GET('/api/v1/catalog/patterns/', { params: { query } }));
    },
    /** Field errors may be dotted: `schedule.mon`, `peaks.0.end`, `stakeholders.1.role`. */
    async createPattern(body: ActivityPatternRequest): Promise<ActivityPattern> {
      return unwrap(await client.POST('/api/v1/catalog/patterns/', { body }));
    },
    async patchPattern(id: number, body: ActivityPatternPatch): Promise<ActivityPattern> {
      return unwrap(await client.PATCH('/api/v1/catalog/patterns/{id}/', { ...path(id), body }));
    },
    async deletePattern(id: number): Promise<void> {
      await client.DELETE('/api/v1/catalog/patterns/{id}/', path(id));
    },

    /** `from`/`to` as `YYYY-MM` (at most 36 months); IT staff only. */
    async getStats(query: ObashiStatsQuery = {}): Promise<ObashiStats> {
      return unwrap(await client.GET('/api/v1/catalog/stats/', { params: { query } }));
    },
  };
}

export type CatalogAdminEndpoints = ReturnType<typeof createCatalogAdminEndpoints>;

/** The catalog administration endpoints over a browser-configured client (`configureApi`). */
export const catalogAdminApi: CatalogAdminEndpoints = createCatalogAdminEndpoints(createHitsmClient());
