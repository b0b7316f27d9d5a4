/**
 * The audit log for the auditor (hitsm/audit/api, docs/admin/security.md): the change
 * log, the login log, their Excel exports, the seals of the hash chain and an on-demand check of
 * the newest seals. Everyone else, the administrator included, gets 403.
 *
 * Types are derived from the generated schema by path; the functions live on {@link auditApi}.
 */
import { createHitsmClient, type HitsmClient } from './client';
import { ApiError, unwrap } from './errors';
import type { components } from './schema';
import { filenameFromDisposition } from './tickets';
import type { QueryParams, ResponseData } from './types';

type Schemas = components['schemas'];

export type AuditChange = Schemas['AuditChange'];
export type AuditChangePage = ResponseData<'/api/v1/audit/changes/', 'get'>;
export type AuditChangeQuery = QueryParams<'/api/v1/audit/changes/', 'get'>;
export type AuditLogin = Schemas['AuditLogin'];
export type AuditLoginPage = ResponseData<'/api/v1/audit/logins/', 'get'>;
export type AuditLoginQuery = QueryParams<'/api/v1/audit/logins/', 'get'>;
export type AuditSeal = Schemas['AuditSeal'];
export type AuditSealPage = ResponseData<'/api/v1/audit/seals/', 'get'>;
export type AuditVerify = Schemas['AuditVerify'];
export type AuditResult = Schemas['AuditResultEnum'];

type Download = { blob: Blob; filename: string };

function withoutPaging<T extends { page?: number; page_size?: number }>(query: T): Omit<T, 'page' | 'page_size'> {
  const { page: _page, page_size: _size, ...filters } = query;
  return filters;
}

export function createAuditEndpoints(client: HitsmClient) {
  return {
    async listAuditChanges(query: AuditChangeQuery = {}): Promise<AuditChangePage> {
      return unwrap(await client.GET('/api/v1/audit/changes/', { params: { query } }));
    },
    /** The change log under the same filters as Excel (no paging; the server caps the rows). */
    async exportAuditChanges(query: AuditChangeQuery = {}): Promise<Download> {
      const { data, response } = await client.GET('/api/v1/audit/changes/export/', {
        params: { query: withoutPaging(query) },
        parseAs: 'blob',
      });
      if (!data) throw new ApiError(response.status, 'parse_error', `Empty response from ${response.url}`);
      return {
        blob: data as Blob,
        filename: filenameFromDisposition(response.headers.get('Content-Disposition'), 'audit-changes.xlsx'),
      };
    },
    async listAuditLogins(query: AuditLoginQuery = {}): Promise<AuditLoginPage> {
      return unwrap(await client.GET('/api/v1/audit/logins/', { params: { query } }));
    },
    async exportAuditLogins(query: AuditLoginQuery = {}): Promise<Download> {
      const { data, response } = await client.GET('/api/v1/audit/logins/export/', {
        params: { query: withoutPaging(query) },
        parseAs: 'blob',
      });
      if (!data) throw new ApiError(response.status, 'parse_error', `Empty response from ${response.url}`);
      return {
        blob: data as Blob,
        filename: filenameFromDisposition(response.headers.get('Content-Disposition'), 'audit-logins.xlsx'),
      };
    },
    /** The seals, newest first. */
    async listAuditSeals(query: { page?: number; page_size?: number } = {}): Promise<AuditSealPage> {
      return unwrap(await client.GET('/api/v1/audit/seals/', { params: { query } }));
    },
    /** Check the newest `seals` seals (1–20) now: links, headers and the rows they cover. */
    async verifyAuditSeals(seals = 10): Promise<AuditVerify> {
      return unwrap(await client.GET('/api/v1/audit/seals/verify/', { params: { query: { seals } } }));
    },
  };
}

export type AuditEndpoints = ReturnType<typeof createAuditEndpoints>;

/** The audit endpoints over a browser-configured client (`configureApi`). */
export const auditApi: AuditEndpoints = createAuditEndpoints(createHitsmClient());

export const {
  listAuditChanges,
  exportAuditChanges,
  listAuditLogins,
  exportAuditLogins,
  listAuditSeals,
  verifyAuditSeals,
} = auditApi;
