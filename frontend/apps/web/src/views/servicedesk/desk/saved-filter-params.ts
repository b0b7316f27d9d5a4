/**
 * A saved filter's `params` use the ticket list's own query names (`queue`, `q`, `status`,
 * `kind`, `priority`, `assignment_group`, `ordering`), so any client can read them. Values
 * come back as free JSON (possibly written by another client or an older version): reading
 * them keeps what is valid and drops the rest.
 */
import type { TicketKind, TicketPriority, TicketStatus } from '@hitsm/api';

import { DEFAULT_ORDERING, DESK_QUEUES, SORTABLE, emptyFilters, type DeskFilterSet, type DeskQueue } from '@/stores/desk';

const STATUSES: readonly TicketStatus[] = ['new', 'accepted', 'assigned', 'in_progress', 'pending', 'resolved', 'closed', 'cancelled'];
const KINDS: readonly TicketKind[] = ['incident', 'request'];
const PRIORITIES: readonly TicketPriority[] = [1, 2, 3, 4, 5];
/** The longest search text kept (the ticket search never needs more). */
const MAX_QUERY = 200;

/** The filter set as `params`: only what is set, so two equal sets give equal params. */
export function toSavedParams(set: DeskFilterSet): Record<string, unknown> {
  const params: Record<string, unknown> = { queue: set.queue };
  const { filters } = set;
  if (filters.q.trim()) params.q = filters.q.trim();
  if (filters.status.length) params.status = [...filters.status].sort();
  if (filters.kind) params.kind = filters.kind;
  if (filters.priority !== null) params.priority = filters.priority;
  if (filters.assignment_group !== null) params.assignment_group = filters.assignment_group;
  if (set.ordering && set.ordering !== DEFAULT_ORDERING) params.ordering = set.ordering;
  return params;
}

function isOrdering(value: unknown): value is string {
  return typeof value === 'string' && (SORTABLE as readonly string[]).includes(value.replace(/^-/, ''));
}

function positiveInt(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : null;
}

/**
 * Read `params` back into a filter set. A missing or unknown queue keeps `fallbackQueue`
 * (the queue the agent is looking at); every filter not in `params` is cleared.
 */
export function fromSavedParams(params: unknown, fallbackQueue: DeskQueue): DeskFilterSet {
  const source = params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
  const filters = emptyFilters();
  if (typeof source.q === 'string') filters.q = source.q.trim().slice(0, MAX_QUERY);
  const statuses = Array.isArray(source.status) ? source.status : [source.status];
  filters.status = STATUSES.filter((status) => statuses.includes(status));
  if (KINDS.includes(source.kind as TicketKind)) filters.kind = source.kind as TicketKind;
  const priority = positiveInt(source.priority);
  if (priority !== null && PRIORITIES.includes(priority as TicketPriority)) filters.priority = priority as TicketPriority;
  filters.assignment_group = positiveInt(source.assignment_group);
  const queue = (DESK_QUEUES as readonly string[]).includes(source.queue as string) ? (source.queue as DeskQueue) : fallbackQueue;
  return { queue, ordering: isOrdering(source.ordering) ? source.ordering : DEFAULT_ORDERING, filters };
}

/** Whether the desk currently shows exactly what a saved filter would restore. */
export function matchesSaved(current: DeskFilterSet, params: unknown): boolean {
  const saved = toSavedParams(fromSavedParams(params, current.queue));
  return JSON.stringify(saved) === JSON.stringify(toSavedParams(current));
}
