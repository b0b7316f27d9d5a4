/**
 * SLA endpoints (hitsm/sla/api/views.py and servicedesk/api/sla_views.py): working calendars
 * with their own exception days and the deadline preview, China's public holidays and make-up
 * working days, policies with their targets, escalation levels, and a ticket's clocks.
 * One typed function each; types are derived from the generated schema by path.
 */
import type { HitsmClient } from './client';
import { unwrap } from './errors';
import type { components } from './schema';
import type { QueryParams, RequestBody, ResponseData } from './types';

type Schemas = components['schemas'];

export type SlaMetric = Schemas['SlaMetricEnum'];
export type SlaDayKind = Schemas['CalendarDayKindEnum'];
/** Who an escalation level notifies (servicedesk/clocks.py `_audience`). */
export type SlaAudience = Schemas['NotifyEnum'];
/** Statuses a policy may pause its clocks in (besides none). */
export type SlaPauseStatus = Schemas['PauseStatusesEnum'];

export type SlaCalendar = ResponseData<'/api/v1/sla/calendars/', 'get'>[number];
export type SlaCalendarRequest = RequestBody<'/api/v1/sla/calendars/', 'post'>;
export type SlaCalendarPatch = RequestBody<'/api/v1/sla/calendars/{id}/', 'patch'>;
export type SlaPreviewRequest = RequestBody<'/api/v1/sla/calendars/{id}/preview/', 'post'>;
export type SlaPreview = ResponseData<'/api/v1/sla/calendars/{id}/preview/', 'post'>;

export type SlaCalendarDay = ResponseData<'/api/v1/sla/calendar-days/', 'get'>[number];
export type SlaCalendarDayRequest = RequestBody<'/api/v1/sla/calendar-days/', 'post'>;
export type SlaCalendarDayPatch = RequestBody<'/api/v1/sla/calendar-days/{id}/', 'patch'>;
export type SlaCalendarDayQuery = QueryParams<'/api/v1/sla/calendar-days/', 'get'>;

export type PublicHoliday = ResponseData<'/api/v1/sla/public-holidays/', 'get'>[number];
export type PublicHolidayRequest = RequestBody<'/api/v1/sla/public-holidays/', 'post'>;
export type PublicHolidayPatch = RequestBody<'/api/v1/sla/public-holidays/{id}/', 'patch'>;
export type PublicHolidayQuery = QueryParams<'/api/v1/sla/public-holidays/', 'get'>;

export type SlaPolicy = ResponseData<'/api/v1/sla/policies/', 'get'>[number];
export type SlaPolicyRequest = RequestBody<'/api/v1/sla/policies/', 'post'>;
export type SlaPolicyPatch = RequestBody<'/api/v1/sla/policies/{id}/', 'patch'>;
export type SlaTarget = SlaPolicy['targets'][number];
export type SlaTargetRequest = SlaPolicyRequest['targets'][number];

export type SlaEscalation = ResponseData<'/api/v1/sla/escalations/', 'get'>[number];
export type SlaEscalationRequest = RequestBody<'/api/v1/sla/escalations/', 'post'>;
export type SlaEscalationPatch = RequestBody<'/api/v1/sla/escalations/{id}/', 'patch'>;
export type SlaEscalationQuery = QueryParams<'/api/v1/sla/escalations/', 'get'>;

export type TicketSla = ResponseData<'/api/v1/tickets/{id}/sla/', 'get'>;
export type SlaClock = TicketSla['clocks'][number];
export type SlaClockState = SlaClock['state'];
export type SlaNotice = TicketSla['notices'][number];
export type SlaNoticeKind = SlaNotice['kind'];
export type SlaSegment = TicketSla['segments'][number];

/** Impact × urgency → the priority of every new ticket (hitsm/sla/api/views.py `PriorityMatrixView`). */
export type PriorityMatrix = ResponseData<'/api/v1/sla/priority-matrix/', 'get'>;
export type PriorityMatrixCell = PriorityMatrix['cells'][number];
export type PriorityMatrixInput = RequestBody<'/api/v1/sla/priority-matrix/', 'put'>;

export function createSlaEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  return {
    /** Every calendar with its own exception days (not paged). */
    async listSlaCalendars(): Promise<SlaCalendar[]> {
      return unwrap(await client.GET('/api/v1/sla/calendars/'));
    },
    async getSlaCalendar(id: number): Promise<SlaCalendar> {
      return unwrap(await client.GET('/api/v1/sla/calendars/{id}/', path(id)));
    },
    async createSlaCalendar(body: SlaCalendarRequest): Promise<SlaCalendar> {
      return unwrap(await client.POST('/api/v1/sla/calendars/', { body }));
    },
    async patchSlaCalendar(id: number, body: SlaCalendarPatch): Promise<SlaCalendar> {
      return unwrap(await client.PATCH('/api/v1/sla/calendars/{id}/', { ...path(id), body }));
    },
    /** When N business minutes after `start` end on the calendar as saved (explains deadlines). */
    async previewSlaCalendar(id: number, body: SlaPreviewRequest): Promise<SlaPreview> {
      return unwrap(await client.POST('/api/v1/sla/calendars/{id}/preview/', { ...path(id), body }));
    },

    async listSlaCalendarDays(query: SlaCalendarDayQuery = {}): Promise<SlaCalendarDay[]> {
      return unwrap(await client.GET('/api/v1/sla/calendar-days/', { params: { query } }));
    },
    async createSlaCalendarDay(body: SlaCalendarDayRequest): Promise<SlaCalendarDay> {
      return unwrap(await client.POST('/api/v1/sla/calendar-days/', { body }));
    },
    async patchSlaCalendarDay(id: number, body: SlaCalendarDayPatch): Promise<SlaCalendarDay> {
      return unwrap(await client.PATCH('/api/v1/sla/calendar-days/{id}/', { ...path(id), body }));
    },
    async deleteSlaCalendarDay(id: number): Promise<void> {
      await client.DELETE('/api/v1/sla/calendar-days/{id}/', path(id));
    },

    /** `date__year` lists one year; ordinary weekends are not rows, only days that differ. */
    async listPublicHolidays(query: PublicHolidayQuery = {}): Promise<PublicHoliday[]> {
      return unwrap(await client.GET('/api/v1/sla/public-holidays/', { params: { query } }));
    },
    async createPublicHoliday(body: PublicHolidayRequest): Promise<PublicHoliday> {
      return unwrap(await client.POST('/api/v1/sla/public-holidays/', { body }));
    },
    async patchPublicHoliday(id: number, body: PublicHolidayPatch): Promise<PublicHoliday> {
      return unwrap(await client.PATCH('/api/v1/sla/public-holidays/{id}/', { ...path(id), body }));
    },
    async deletePublicHoliday(id: number): Promise<void> {
      await client.DELETE('/api/v1/sla/public-holidays/{id}/', path(id));
    },

    /** In the order the server tries them (`order`, then `id`), with targets and escalations. */
    async listSlaPolicies(): Promise<SlaPolicy[]> {
      return unwrap(await client.GET('/api/v1/sla/policies/'));
    },
    async getSlaPolicy(id: number): Promise<SlaPolicy> {
      return unwrap(await client.GET('/api/v1/sla/policies/{id}/', path(id)));
    },
    /** Saved with its targets in one transaction. */
    async createSlaPolicy(body: SlaPolicyRequest): Promise<SlaPolicy> {
      return unwrap(await client.POST('/api/v1/sla/policies/', { body }));
    },
    /** `targets`, when sent, replaces the policy's targets (keyed by priority). */
    async patchSlaPolicy(id: number, body: SlaPolicyPatch): Promise<SlaPolicy> {
      return unwrap(await client.PATCH('/api/v1/sla/policies/{id}/', { ...path(id), body }));
    },
    async deleteSlaPolicy(id: number): Promise<void> {
      await client.DELETE('/api/v1/sla/policies/{id}/', path(id));
    },

    async listSlaEscalations(query: SlaEscalationQuery = {}): Promise<SlaEscalation[]> {
      return unwrap(await client.GET('/api/v1/sla/escalations/', { params: { query } }));
    },
    async createSlaEscalation(body: SlaEscalationRequest): Promise<SlaEscalation> {
      return unwrap(await client.POST('/api/v1/sla/escalations/', { body }));
    },
    async patchSlaEscalation(id: number, body: SlaEscalationPatch): Promise<SlaEscalation> {
      return unwrap(await client.PATCH('/api/v1/sla/escalations/{id}/', { ...path(id), body }));
    },
    async deleteSlaEscalation(id: number): Promise<void> {
      await client.DELETE('/api/v1/sla/escalations/{id}/', path(id));
    },

    /** The ticket's clocks as of now, the notices that fired and the running/paused stretches. */
    async getTicketSla(id: number): Promise<TicketSla> {
      return unwrap(await client.GET('/api/v1/tickets/{id}/sla/', path(id)));
    },

    /** Every cell with its default; `can_change` says whether the signed-in user may save. */
    async getPriorityMatrix(): Promise<PriorityMatrix> {
      return unwrap(await client.GET('/api/v1/sla/priority-matrix/'));
    },
    /** Replaces the whole matrix (all 9 cells); admins only. Tickets keep their priority. */
    async savePriorityMatrix(body: PriorityMatrixInput): Promise<PriorityMatrix> {
      return unwrap(await client.PUT('/api/v1/sla/priority-matrix/', { body }));
    },
    async resetPriorityMatrix(): Promise<PriorityMatrix> {
      return unwrap(await client.POST('/api/v1/sla/priority-matrix/reset/'));
    },
  };
}

export type SlaEndpoints = ReturnType<typeof createSlaEndpoints>;
