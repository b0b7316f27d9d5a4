import {
  getTicketQueues,
  listTickets,
  type EventFrame,
  type QueueCounts,
  type TicketKind,
  type TicketListItem,
  type TicketPriority,
  type TicketQuery,
  type TicketQueue,
  type TicketStatus,
} from '@hitsm/api';
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';

/** Queue tabs of the desk, in the order agents work through them. */
export const DESK_QUEUES = ['intake', 'dispatch', 'overdue', 'unaccepted', 'mine', 'my_groups', 'open'] as const;
export type DeskQueue = (typeof DESK_QUEUES)[number];

/** Columns the server sorts by (`ordering=`, `-` for descending). */
export const SORTABLE = ['created_at', 'priority', 'resolution_due_at', 'number', 'updated_at'] as const;
export const DEFAULT_ORDERING = '-created_at';

export interface DeskFilters {
  q: string;
  status: TicketStatus[];
  kind: TicketKind | '';
  priority: TicketPriority | null;
  assignment_group: number | null;
}

/** After a burst of frames, re-read counts and the page once. */
export const REFRESH_DELAY_MS = 400;

export function emptyFilters(): DeskFilters {
  return { q: '', status: [], kind: '', priority: null, assignment_group: null };
}

/** Everything a saved filter restores: the queue, the filters and the sort order. */
export interface DeskFilterSet {
  queue: DeskQueue;
  ordering: string;
  filters: DeskFilters;
}

/**
 * The agent workspace: queue counts, the current queue's page and the selected ticket. Live
 * `ticket.created` / `ticket.updated` frames bump the counts at once and schedule one re-read
 * from the server (which stays the source of truth).
 */
export const useDeskStore = defineStore('desk', () => {
  const queue = ref<DeskQueue>('intake');
  const counts = ref<QueueCounts | null>(null);
  const rows = ref<TicketListItem[]>([]);
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(20);
  const ordering = ref<string>(DEFAULT_ORDERING);
  const filters = reactive<DeskFilters>(emptyFilters());
  const loading = ref(false);
  const selectedId = ref<number | null>(null);
  /** Tickets that arrived live since the page opened (highlighted until seen). */
  const freshIds = ref<Set<number>>(new Set());
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  /** The server's "unaccepted" threshold in minutes; null until the counts have been read. */
  const unacceptedMinutes = computed(() => counts.value?.unaccepted_minutes ?? null);

  const filtered = computed(
    () =>
      Boolean(filters.q.trim()) ||
      filters.status.length > 0 ||
      Boolean(filters.kind) ||
      filters.priority !== null ||
      filters.assignment_group !== null,
  );

  function query(): TicketQuery {
    const result: TicketQuery = {
      queue: queue.value as TicketQueue,
      ordering: ordering.value,
      page: page.value,
      page_size: pageSize.value,
    };
    if (filters.q.trim()) result.q = filters.q.trim();
    if (filters.status.length) result.status = [...filters.status];
    if (filters.kind) result.kind = filters.kind;
    if (filters.priority !== null) result.priority = filters.priority;
    if (filters.assignment_group !== null) result.assignment_group = filters.assignment_group;
    return result;
  }

  async function loadCounts(): Promise<void> {
    counts.value = await getTicketQueues();
  }

  async function loadRows(silent = false): Promise<void> {
    if (!silent) loading.value = true;
    try {
      const result = await listTickets(query());
      rows.value = result.results;
      total.value = result.count;
    } finally {
      if (!silent) loading.value = false;
    }
  }

  async function reload(): Promise<void> {
    await Promise.all([loadCounts(), loadRows()]);
  }

  async function setQueue(next: DeskQueue): Promise<void> {
    queue.value = next;
    page.value = 1;
    await loadRows();
  }

  async function applyFilters(): Promise<void> {
    page.value = 1;
    await loadRows();
  }

  async function sortBy(column: string | null, descending: boolean): Promise<void> {
    ordering.value =
      column && (SORTABLE as readonly string[]).includes(column) ? `${descending ? '-' : ''}${column}` : DEFAULT_ORDERING;
    await applyFilters();
  }

  async function resetFilters(): Promise<void> {
    Object.assign(filters, emptyFilters());
    await applyFilters();
  }

  function filterSet(): DeskFilterSet {
    return { queue: queue.value, ordering: ordering.value, filters: { ...filters, status: [...filters.status] } };
  }

  /** Restore a saved filter set (queue, filters, sort order) and read the first page. */
  async function applyFilterSet(set: DeskFilterSet): Promise<void> {
    queue.value = set.queue;
    ordering.value = set.ordering;
    Object.assign(filters, emptyFilters(), { ...set.filters, status: [...set.filters.status] });
    await applyFilters();
  }

  function scheduleRefresh(): void {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void Promise.all([loadCounts(), loadRows(true)]).catch(() => undefined);
    }, REFRESH_DELAY_MS);
  }

  /** Apply a WebSocket frame; answers whether it announced a brand-new ticket. */
  function applyFrame(frame: EventFrame): boolean {
    if (frame.type === 'ticket.created') {
      if (counts.value) {
        counts.value = { ...counts.value, intake: counts.value.intake + 1, open: counts.value.open + 1 };
      }
      freshIds.value = new Set([...freshIds.value, frame.payload.id]);
      scheduleRefresh();
      return true;
    }
    if (frame.type === 'ticket.updated') {
      const { id, status, priority } = frame.payload;
      rows.value = rows.value.map((row) => (row.id === id ? { ...row, status, priority } : row));
      scheduleRefresh();
    }
    return false;
  }

  function select(id: number | null): void {
    selectedId.value = id;
    if (id !== null && freshIds.value.has(id)) {
      const next = new Set(freshIds.value);
      next.delete(id);
      freshIds.value = next;
    }
  }

  /** j / k: the next or previous row (the first one when nothing is selected). */
  function move(delta: 1 | -1): number | null {
    if (!rows.value.length) return null;
    const index = rows.value.findIndex((row) => row.id === selectedId.value);
    const nextIndex = index < 0 ? 0 : Math.min(rows.value.length - 1, Math.max(0, index + delta));
    const id = rows.value[nextIndex]?.id ?? null;
    select(id);
    return id;
  }

  function replaceRow(row: Partial<TicketListItem> & { id: number }): void {
    rows.value = rows.value.map((item) => (item.id === row.id ? { ...item, ...row } : item));
  }

  function dispose(): void {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = null;
  }

  return {
    queue,
    counts,
    rows,
    total,
    page,
    pageSize,
    ordering,
    filters,
    filtered,
    unacceptedMinutes,
    loading,
    selectedId,
    freshIds,
    query,
    loadCounts,
    loadRows,
    reload,
    setQueue,
    applyFilters,
    sortBy,
    resetFilters,
    filterSet,
    applyFilterSet,
    applyFrame,
    scheduleRefresh,
    select,
    move,
    replaceRow,
    dispose,
  };
});
