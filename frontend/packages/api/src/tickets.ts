/**
 * Service desk endpoints (hitsm/servicedesk/api/views.py): one typed function per endpoint.
 * Transitions are explicit POST actions that answer the fresh ticket detail.
 */
import type { HitsmClient } from './client';
import { ApiError, type FetchResult, unwrap } from './errors';
import type {
  AssignRequest,
  AssignmentGroupPage,
  AssignmentGroupQuery,
  BulkRequest,
  BulkResult,
  Category,
  ConfigurationItemPage,
  ConfigurationItemQuery,
  EscalateRequest,
  PendRequest,
  QueueCounts,
  ReplyInput,
  ResolveRequest,
  TicketCreateInput,
  TicketCreated,
  TicketDetail,
  TicketEvent,
  TicketPage,
  TicketPatch,
  TicketQuery,
  TransferRequest,
  Attachment,
} from './types';

/** The browser sends FormData as-is; the schema types binary fields as strings. */
const formBody = { bodySerializer: (value: unknown) => value as FormData };

/**
 * `TicketCreateInput` as multipart: nested `location` uses DRF's dotted keys
 * (`location.building`), lists repeat their key (`files`, `configuration_items`).
 */
export function ticketCreateForm(input: TicketCreateInput): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    if (key === 'files') {
      for (const file of value as File[]) form.append('files', file, file.name);
    } else if (key === 'location') {
      for (const [part, text] of Object.entries(value as Record<string, string>)) {
        if (text) form.append(`location.${part}`, text);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) form.append(key, String(item));
    } else if (typeof value === 'object') {
      form.append(key, JSON.stringify(value));
    } else {
      form.append(key, String(value));
    }
  }
  return form;
}

export function replyForm(input: ReplyInput): FormData {
  const form = new FormData();
  form.append('body', input.body);
  form.append('internal', input.internal ? 'true' : 'false');
  for (const file of input.files ?? []) form.append('files', file, file.name);
  return form;
}

/** Query string of the list filters, for the Excel export of exactly what the table shows. */
export function ticketQueryString(query: TicketQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '' || key === 'page' || key === 'page_size') continue;
    if (Array.isArray(value)) value.forEach((item) => params.append(key, String(item)));
    else params.append(key, String(value));
  }
  return params.toString();
}

/** `filename*=UTF-8''tickets-20260301-0800.xlsx` → `tickets-20260301-0800.xlsx`. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain?.[1] ?? fallback;
}

export function createTicketEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  const detail = async (promise: Promise<FetchResult<unknown>>): Promise<TicketDetail> =>
    unwrap(await promise) as TicketDetail;

  return {
    async listTickets(query: TicketQuery = {}): Promise<TicketPage> {
      return unwrap(await client.GET('/api/v1/tickets/', { params: { query } }));
    },
    async getTicketQueues(): Promise<QueueCounts> {
      return unwrap(await client.GET('/api/v1/tickets/queues/'));
    },
    async getTicket(id: number): Promise<TicketDetail> {
      return detail(client.GET('/api/v1/tickets/{id}/', path(id)));
    },
    async patchTicket(id: number, body: TicketPatch): Promise<TicketDetail> {
      return detail(client.PATCH('/api/v1/tickets/{id}/', { ...path(id), body }));
    },
    async listTicketEvents(id: number): Promise<TicketEvent[]> {
      return unwrap(await client.GET('/api/v1/tickets/{id}/events/', path(id))) as TicketEvent[];
    },
    /** JSON without files; multipart (photos, voice) with them. Answers the new ticket's number
     * and state, not its detail (`getTicket(id)` reads that). */
    async createTicket(input: TicketCreateInput): Promise<TicketCreated> {
      if (input.files?.length) {
        return unwrap(
          await client.POST('/api/v1/tickets/', {
            body: ticketCreateForm(input) as never,
            ...formBody,
          }),
        );
      }
      const { files: _files, ...json } = input;
      return unwrap(await client.POST('/api/v1/tickets/', { body: json as never }));
    },

    async acceptTicket(id: number): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/accept/', path(id)));
    },
    async assignTicket(id: number, body: AssignRequest): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/assign/', { ...path(id), body }));
    },
    async startTicket(id: number): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/start/', path(id)));
    },
    async pendTicket(id: number, body: PendRequest): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/pend/', { ...path(id), body }));
    },
    async resumeTicket(id: number, note = ''): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/resume/', { ...path(id), body: { note } }));
    },
    async resolveTicket(id: number, body: ResolveRequest): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/resolve/', { ...path(id), body }));
    },
    async confirmTicket(id: number): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/confirm/', path(id)));
    },
    async closeTicket(id: number, note = ''): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/close/', { ...path(id), body: { note } }));
    },
    async reopenTicket(id: number, reason: string): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/reopen/', { ...path(id), body: { reason } }));
    },
    async cancelTicket(id: number, reason: string): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/cancel/', { ...path(id), body: { reason } }));
    },
    async escalateTicket(id: number, body: EscalateRequest): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/escalate/', { ...path(id), body }));
    },
    async transferTicket(id: number, body: TransferRequest): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/transfer/', { ...path(id), body }));
    },
    /** A public reply or (internal=true) an internal note; multipart when files come along. */
    async replyTicket(id: number, input: ReplyInput): Promise<TicketEvent> {
      const result = input.files?.length
        ? await client.POST('/api/v1/tickets/{id}/reply/', { ...path(id), body: replyForm(input) as never, ...formBody })
        : await client.POST('/api/v1/tickets/{id}/reply/', {
            ...path(id),
            body: { body: input.body, internal: input.internal },
          });
      return unwrap(result) as TicketEvent;
    },
    async attachTicketFiles(id: number, files: File[], internal = false): Promise<Attachment[]> {
      const form = new FormData();
      files.forEach((file) => form.append('files', file, file.name));
      form.append('internal', internal ? 'true' : 'false');
      // The server answers a plain list; the generated schema calls it a paginated one.
      return unwrap(
        await client.POST('/api/v1/tickets/{id}/attach/', { ...path(id), body: form as never, ...formBody }),
      ) as unknown as Attachment[];
    },
    async linkTicket(id: number, other: number): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/link/', { ...path(id), body: { ticket: other } }));
    },
    /** Make ticket `id` a child of `parent` (null detaches it). */
    async setTicketParent(id: number, parent: number | null): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/set-parent/', { ...path(id), body: { ticket: parent } }));
    },
    async mergeTicket(id: number, into: number): Promise<TicketDetail> {
      return detail(client.POST('/api/v1/tickets/{id}/merge/', { ...path(id), body: { ticket: into } }));
    },
    async bulkTickets(body: BulkRequest): Promise<BulkResult> {
      return unwrap(await client.POST('/api/v1/tickets/bulk/', { body })) as unknown as BulkResult;
    },
    /** The xlsx of every ticket matching the filters (no paging), with the server's file name. */
    async exportTickets(query: TicketQuery = {}): Promise<{ blob: Blob; filename: string }> {
      const { page: _page, page_size: _size, ...filters } = query;
      const { data, response } = await client.GET('/api/v1/tickets/export/', {
        params: { query: filters as never },
        parseAs: 'blob',
      });
      if (!data) throw new ApiError(response.status, 'parse_error', `Empty response from ${response.url}`);
      return {
        blob: data as Blob,
        filename: filenameFromDisposition(response.headers.get('Content-Disposition'), 'tickets.xlsx'),
      };
    },

    async listAssignmentGroups(query: AssignmentGroupQuery = {}): Promise<AssignmentGroupPage> {
      return unwrap(await client.GET('/api/v1/assignment-groups/', { params: { query } }));
    },
    async listCategories(): Promise<Category[]> {
      return unwrap(await client.GET('/api/v1/categories/', { params: { query: { is_active: true } } }));
    },
    async listConfigurationItems(query: ConfigurationItemQuery = {}): Promise<ConfigurationItemPage> {
      return unwrap(await client.GET('/api/v1/configuration-items/', { params: { query } }));
    },
  };
}

export type TicketEndpoints = ReturnType<typeof createTicketEndpoints>;
