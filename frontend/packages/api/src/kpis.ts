/**
 * KPI endpoints (hitsm/dashboards/api/views.py): the five layers of KPIs for a month and filters,
 * one tile, its month-by-month trend, the tickets behind a number (drill-down), the Excel export
 * and the background computation. IT staff only (requesters get 403).
 *
 * Types are derived from the generated schema by path. Where the schema is narrower than the
 * wire (the drill-down is paginated, `refresh=1` is not declared, `unit` and `breakdown` are
 * plain strings / objects there), the shapes the server really sends are written out here.
 */
import { createHitsmClient, type HitsmClient } from './client';
import { ApiError, unwrap } from './errors';
import type { components } from './schema';
import { filenameFromDisposition } from './tickets';
import type { Job, QueryParams, ResponseData } from './types';

type Schemas = components['schemas'];

export type KpiLayer = Schemas['KpiLayerEnum'];
/** The server's units: a share, a count of tickets, working minutes, a survey score (5 points). */
export type KpiUnit = '%' | 'count' | 'minutes' | 'score';
/** Which tickets a drill-down lists: those counted above the line, below it, or the rest. */
export type KpiPart = 'numerator' | 'denominator' | 'missed';

/** One row of `tickets_per_engineer`'s breakdown (hitsm/dashboards/kpis.py `_per_engineer`). */
export interface KpiBreakdownRow {
  engineer_id: number;
  name: string;
  count: number;
}

type RawKpi = ResponseData<'/api/v1/kpis/{code}/', 'get'>;
export type Kpi = Omit<RawKpi, 'unit' | 'breakdown'> & { unit: KpiUnit; breakdown: KpiBreakdownRow[] };
export type KpiSet = Omit<ResponseData<'/api/v1/kpis/', 'get'>, 'kpis'> & { kpis: Kpi[] };
/** Month (`period=YYYY-MM`), department (with its sub-departments), group, engineer, priority, kind. */
export type KpiQuery = QueryParams<'/api/v1/kpis/', 'get'>;
export type KpiTrendPoint = ResponseData<'/api/v1/kpis/{code}/trend/', 'get'>[number];
export type KpiTicket = Schemas['DrillTicket'];

export interface KpiTicketQuery extends KpiQuery {
  part?: KpiPart;
  page?: number;
  page_size?: number;
}

/** The drill-down answers a page like every list (hitsm/api/pagination.py CappedCountPagination). */
export interface KpiTicketPage {
  count: number;
  count_capped?: boolean;
  next: string | null;
  previous: string | null;
  results: KpiTicket[];
}

export function createKpiEndpoints(client: HitsmClient) {
  const tile = (code: string, query: object) => ({ params: { path: { code }, query: query as KpiQuery } });
  return {
    /** Every KPI for the month and filters, from the server's cache unless `refresh` is set. */
    async getKpiSet(query: KpiQuery = {}, options: { refresh?: boolean } = {}): Promise<KpiSet> {
      const sent = options.refresh ? { ...query, refresh: '1' } : query;
      return unwrap(await client.GET('/api/v1/kpis/', { params: { query: sent as KpiQuery } })) as unknown as KpiSet;
    },
    async getKpi(code: string, query: KpiQuery = {}): Promise<Kpi> {
      return unwrap(await client.GET('/api/v1/kpis/{code}/', tile(code, query))) as unknown as Kpi;
    },
    /** The KPI month by month, ending with `period` (default 12 months; a month without data is null). */
    async getKpiTrend(code: string, query: KpiQuery & { months?: number } = {}): Promise<KpiTrendPoint[]> {
      return unwrap(await client.GET('/api/v1/kpis/{code}/trend/', tile(code, query)));
    },
    /** One page of the tickets behind the number. */
    async listKpiTickets(code: string, query: KpiTicketQuery = {}): Promise<KpiTicketPage> {
      const page = unwrap(await client.GET('/api/v1/kpis/{code}/tickets/', tile(code, query)));
      return page as unknown as KpiTicketPage;
    },
    /** The xlsx of the same numbers, with definitions and formulas, under the server's file name. */
    async exportKpis(query: KpiQuery = {}): Promise<{ blob: Blob; filename: string }> {
      const { data, response } = await client.GET('/api/v1/kpis/export/', { params: { query }, parseAs: 'blob' });
      if (!data) throw new ApiError(response.status, 'parse_error', `Empty response from ${response.url}`);
      return {
        blob: data as Blob,
        filename: filenameFromDisposition(response.headers.get('Content-Disposition'), 'kpi.xlsx'),
      };
    },
    /** Compute (and cache) the set in the background; answers 202 with the Job. */
    async startKpiJob(query: KpiQuery = {}): Promise<Job> {
      return unwrap(await client.POST('/api/v1/kpis/jobs/', { params: { query } })) as Job;
    },
  };
}

export type KpiEndpoints = ReturnType<typeof createKpiEndpoints>;

/**
 * The KPI endpoints over a browser-configured client. It shares the app's settings (locale,
 * 401 handling) through `configureApi`, like `api` in endpoints.ts.
 */
export const kpiApi: KpiEndpoints = createKpiEndpoints(createHitsmClient());

export const { getKpiSet, getKpi, getKpiTrend, listKpiTickets, exportKpis, startKpiJob } = kpiApi;
