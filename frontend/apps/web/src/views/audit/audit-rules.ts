/**
 * Pure helpers of the auditor's pages (hitsm/audit): filter state → API query, and a change
 * log row's before/after as a list of changed fields.
 */
import type { AuditChange, AuditChangeQuery, AuditLoginQuery } from '@hitsm/api';

/** Filters common to both logs; a time range is `[from, to]` as ISO strings. */
export interface AuditFilters {
  range: [string, string] | null;
  actor: string;
  ip: string;
}

export interface ChangeFilters extends AuditFilters {
  objectType: string;
  action: '' | NonNullable<AuditChangeQuery['action']>;
  result: '' | NonNullable<AuditChangeQuery['result']>;
}

export interface LoginFilters extends AuditFilters {
  kind: '' | NonNullable<AuditLoginQuery['kind']>;
  result: '' | NonNullable<AuditLoginQuery['result']>;
}

function common(filters: AuditFilters): { time_after?: string; time_before?: string; actor?: string; ip?: string } {
  const query: { time_after?: string; time_before?: string; actor?: string; ip?: string } = {};
  if (filters.range) [query.time_after, query.time_before] = filters.range;
  if (filters.actor.trim()) query.actor = filters.actor.trim();
  if (filters.ip.trim()) query.ip = filters.ip.trim();
  return query;
}

export function changeQuery(filters: ChangeFilters, page?: { page: number; page_size: number }): AuditChangeQuery {
  const query: AuditChangeQuery = { ...common(filters), ...page };
  if (filters.objectType.trim()) query.object_type = filters.objectType.trim().toLowerCase();
  if (filters.action) query.action = filters.action;
  if (filters.result) query.result = filters.result;
  return query;
}

export function loginQuery(filters: LoginFilters, page?: { page: number; page_size: number }): AuditLoginQuery {
  const query: AuditLoginQuery = { ...common(filters), ...page };
  if (filters.kind) query.kind = filters.kind;
  if (filters.result) query.result = filters.result;
  return query;
}

export interface FieldDiff {
  field: string;
  before: string;
  after: string;
}

function shown(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The fields a row changed with their values before and after: an update lists its
 * `changed_fields`; a creation or deletion lists every field it recorded.
 */
export function fieldDiffs(row: Pick<AuditChange, 'action' | 'changed_fields' | 'before' | 'after'>): FieldDiff[] {
  const before = (row.before ?? {}) as Record<string, unknown>;
  const after = (row.after ?? {}) as Record<string, unknown>;
  const fields = row.action === 'update' && row.changed_fields.length > 0 ? row.changed_fields : [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return fields.map((field) => ({ field, before: shown(before[field]), after: shown(after[field]) }));
}
