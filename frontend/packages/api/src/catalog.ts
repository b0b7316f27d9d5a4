/**
 * The service menu as requesters and the desk use it (hitsm/catalog/api/views.py,
 * sla/api/views.py `CatalogExpectationsView`, servicedesk/api/catalog_views.py): the menu, an
 * item with its published form, its expected times and its information assistant, favourites,
 * and submitting an item as a ticket (multipart, with the form's files as `form_files.<key>`).
 *
 * Types are derived from the generated schema by path; the catalog's admin endpoints live
 * elsewhere (catalog-forms.ts, catalog-admin.ts). `createEndpoints` (endpoints.ts) spreads these
 * functions into `api` and exports them by name.
 */
import type { HitsmClient } from './client';
import { unwrap } from './errors';
import type { FormData as FormAnswers, FormDisplayField, FormSchema } from './forms/schema';
import type { QueryParams, ResponseData, TicketCreated, TicketImpact, TicketUrgency } from './types';

export type CatalogMenu = ResponseData<'/api/v1/catalog/menu/', 'get'>;
export type CatalogMenuItem = CatalogMenu['favourites'][number];
export type CatalogMenuCategory = CatalogMenu['categories'][number];
export type CatalogMenuQuery = QueryParams<'/api/v1/catalog/menu/', 'get'>;

/** An item as `GET /catalog/items/{id}/` returns it (the submit page reads its header and defaults). */
export type CatalogItem = ResponseData<'/api/v1/catalog/items/{id}/', 'get'>;

type RawItemForm = ResponseData<'/api/v1/catalog/items/{id}/form/', 'get'>;
/** The published form a submission is checked against (all null when the item has no form). */
export type CatalogItemForm = Omit<RawItemForm, 'schema'> & { schema: FormSchema | null };

export type CatalogExpectations = ResponseData<'/api/v1/catalog/items/{id}/expectations/', 'get'>;
export type CatalogExpectationsQuery = QueryParams<'/api/v1/catalog/items/{id}/expectations/', 'get'>;

/**
 * One choice for a form's person, department or CI field (`GET /catalog/options/`): the id, its
 * name and a hint (a person's department, a department's kind, a CI's class).
 */
export type CatalogOption = ResponseData<'/api/v1/catalog/options/', 'get'>[number];
export type CatalogOptionSource = QueryParams<'/api/v1/catalog/options/', 'get'>['source'];
/** What to look up: `q` searches (at most 30 rows); `ids` labels chosen ids instead. */
export interface CatalogOptionsQuery {
  source: CatalogOptionSource;
  q?: string;
  /** cis only: the class code. */
  ci_class?: string;
  ids?: readonly number[];
}

/** The information assistant: times handled, median resolution time; handlers and resolutions for IT staff only. */
export type CatalogAssistant = ResponseData<'/api/v1/catalog/items/{id}/assistant/', 'get'>;
export type CatalogAssistantHandler = CatalogAssistant['handlers'][number];
export type CatalogAssistantResolution = CatalogAssistant['recent_resolutions'][number];

type RawTicket = ResponseData<'/api/v1/tickets/{id}/', 'get'>;
/** The item a ticket was submitted from (`ticket.catalog_item`). */
export type TicketCatalogItem = NonNullable<RawTicket['catalog_item']>;
/** The form version a ticket was submitted with (`ticket.form_version`). */
export type TicketFormVersion = Omit<NonNullable<RawTicket['form_version']>, 'schema'> & { schema: FormSchema };

/** What an item page submits as `POST /tickets/` (always multipart). */
export interface CatalogSubmission {
  catalog_item: number;
  /** The cleaned answers (`cleanData`); files are not in here but in `form_files`. */
  form_data: FormAnswers;
  /** Files per file / image field, sent as parts named `form_files.<key>`. */
  form_files?: Record<string, readonly File[]>;
  /** Additional notes, beside the form. */
  description?: string;
  contact_phone?: string;
  /** IT staff submitting on someone's behalf. */
  requester?: number | null;
  /** Only when the user changed the item's default. */
  impact?: TicketImpact | null;
  urgency?: TicketUrgency | null;
  channel?: 'web' | 'h5';
}

/** The multipart body of a catalog submission (`form_data` as JSON text, files by field). */
export function catalogTicketForm(input: CatalogSubmission): FormData {
  const form = new FormData();
  form.append('catalog_item', String(input.catalog_item));
  form.append('channel', input.channel ?? 'web');
  form.append('form_data', JSON.stringify(input.form_data));
  const description = input.description?.trim();
  if (description) form.append('description', description);
  const phone = input.contact_phone?.trim();
  if (phone) form.append('contact_phone', phone);
  if (input.requester) form.append('requester', String(input.requester));
  if (input.impact) form.append('impact', String(input.impact));
  if (input.urgency) form.append('urgency', String(input.urgency));
  for (const [key, files] of Object.entries(input.form_files ?? {})) {
    for (const file of files) form.append(`form_files.${key}`, file, file.name);
  }
  return form;
}

/** A ticket's form answers (`form_answers`, values already as text) as the form display lays them out. */
export function formAnswersOf(ticket: { form_answers?: readonly unknown[] | null } | null | undefined): FormDisplayField[] {
  return (ticket?.form_answers ?? []) as FormDisplayField[];
}

export function createCatalogEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  return {
    /** The signed-in user's menu searched by `q`; IT staff may ask for another person's (`forUser`). */
    async getCatalogMenu(q = '', forUser?: number | null): Promise<CatalogMenu> {
      const query: CatalogMenuQuery = {};
      if (q.trim()) query.q = q.trim();
      if (forUser) query.for_user = forUser;
      return unwrap(await client.GET('/api/v1/catalog/menu/', { params: { query } }));
    },
    async getCatalogItem(id: number): Promise<CatalogItem> {
      return unwrap(await client.GET('/api/v1/catalog/items/{id}/', path(id)));
    },
    async getCatalogItemForm(id: number): Promise<CatalogItemForm> {
      return unwrap(await client.GET('/api/v1/catalog/items/{id}/form/', path(id))) as CatalogItemForm;
    },
    /** Response and resolution times for the item's defaults or the given impact/urgency. */
    async getCatalogExpectations(id: number, query: CatalogExpectationsQuery = {}): Promise<CatalogExpectations> {
      return unwrap(await client.GET('/api/v1/catalog/items/{id}/expectations/', { params: { path: { id }, query } }));
    },
    async getCatalogAssistant(id: number): Promise<CatalogAssistant> {
      return unwrap(await client.GET('/api/v1/catalog/items/{id}/assistant/', path(id)));
    },
    /**
     * People, departments or CIs for a form's reference fields, open to every signed-in user
     * (requesters may not list users). With `ids`, the labels of those ids (none asked: none sent).
     */
    async getCatalogOptions(query: CatalogOptionsQuery): Promise<CatalogOption[]> {
      const clean: QueryParams<'/api/v1/catalog/options/', 'get'> = { source: query.source };
      if (query.ids) {
        if (!query.ids.length) return [];
        clean.ids = query.ids.join(',');
      } else if (query.q?.trim()) clean.q = query.q.trim();
      if (query.ci_class) clean.ci_class = query.ci_class;
      return unwrap(await client.GET('/api/v1/catalog/options/', { params: { query: clean } }));
    },
    /** Star (`on`) or unstar the item in the user's menu. */
    async setCatalogFavourite(id: number, on: boolean): Promise<void> {
      if (on) await client.POST('/api/v1/catalog/items/{id}/favourite/', path(id));
      else await client.DELETE('/api/v1/catalog/items/{id}/favourite/', path(id));
    },
    /**
     * Submit an item: 201 with the new ticket's number. Invalid answers come back as a 400 whose
     * fields are keyed `form_data.<key>` (table cells `form_data.<key>.<row>.<column>`).
     */
    async submitCatalogItem(input: CatalogSubmission): Promise<TicketCreated> {
      return unwrap(
        await client.POST('/api/v1/tickets/', {
          body: catalogTicketForm(input) as never,
          bodySerializer: (value: unknown) => value as FormData,
        }),
      );
    },
  };
}

export type CatalogEndpoints = ReturnType<typeof createCatalogEndpoints>;
