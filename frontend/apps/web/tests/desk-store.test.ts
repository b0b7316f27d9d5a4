import type * as ApiModule from '@hitsm/api';
import { getTicketQueues, listTickets } from '@hitsm/api';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { REFRESH_DELAY_MS, useDeskStore } from '@/stores/desk';

import { COUNTS, row } from './fixtures';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  getTicketQueues: vi.fn(),
  listTickets: vi.fn(),
}));

const summary = (id: number, status: 'new' | 'accepted' = 'new') => ({
  id,
  number: `INC-20260302-${id}`,
  title: '打印机卡纸',
  status,
  priority: 3 as const,
  kind: 'incident' as const,
  department: '门诊部',
  channel: 'web',
});

describe('desk store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
    vi.mocked(getTicketQueues).mockReset().mockResolvedValue({ ...COUNTS });
    vi.mocked(listTickets).mockReset().mockResolvedValue({ count: 2, next: null, previous: null, results: [row(1), row(2)] });
  });
  afterEach(() => vi.useRealTimers());

  it('loads the counts and the current queue with its filters', async () => {
    const desk = useDeskStore();
    desk.filters.q = ' INC-2026 ';
    desk.filters.status = ['new'];
    await desk.reload();
    expect(desk.counts?.intake).toBe(2);
    expect(desk.rows.map((r) => r.id)).toEqual([1, 2]);
    expect(listTickets).toHaveBeenCalledWith({
      queue: 'intake',
      ordering: '-created_at',
      page: 1,
      page_size: 20,
      q: 'INC-2026',
      status: ['new'],
    });
  });

  it('counts a ticket.created frame at once, marks it new and re-reads once after a burst', async () => {
    const desk = useDeskStore();
    await desk.reload();
    vi.mocked(getTicketQueues).mockClear();
    vi.mocked(listTickets).mockClear();

    expect(desk.applyFrame({ type: 'ticket.created', payload: summary(3) })).toBe(true);
    expect(desk.applyFrame({ type: 'ticket.created', payload: summary(4) })).toBe(true);
    expect(desk.counts).toMatchObject({ intake: 4, open: 5, dispatch: 1 });
    expect(desk.freshIds.has(3) && desk.freshIds.has(4)).toBe(true);
    expect(getTicketQueues).not.toHaveBeenCalled();

    vi.mocked(getTicketQueues).mockResolvedValueOnce({ ...COUNTS, intake: 4, open: 5 });
    vi.mocked(listTickets).mockResolvedValueOnce({ count: 3, next: null, previous: null, results: [row(4), row(3), row(1)] });
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(getTicketQueues).toHaveBeenCalledTimes(1);
    expect(listTickets).toHaveBeenCalledTimes(1);
    expect(desk.rows.map((r) => r.id)).toEqual([4, 3, 1]);
    expect(desk.counts?.intake).toBe(4);
  });

  it('updates a row from ticket.updated and lets the server correct the counts', async () => {
    const desk = useDeskStore();
    await desk.reload();
    expect(desk.applyFrame({ type: 'ticket.updated', payload: summary(1, 'accepted') })).toBe(false);
    expect(desk.rows[0]?.status).toBe('accepted');
    vi.mocked(getTicketQueues).mockResolvedValueOnce({ ...COUNTS, intake: 1, dispatch: 2 });
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(desk.counts).toMatchObject({ intake: 1, dispatch: 2 });
  });

  it('ignores frames that are not about tickets', () => {
    const desk = useDeskStore();
    expect(desk.applyFrame({ type: 'hello', payload: { user_id: 1 } })).toBe(false);
    expect(desk.counts).toBeNull();
  });

  it('moves the selection with j / k and clears the "new" mark of what was opened', async () => {
    const desk = useDeskStore();
    await desk.reload();
    desk.applyFrame({ type: 'ticket.created', payload: summary(2) });
    expect(desk.move(1)).toBe(1);
    expect(desk.move(1)).toBe(2);
    expect(desk.freshIds.has(2)).toBe(false);
    expect(desk.move(1)).toBe(2); // stays on the last row
    expect(desk.move(-1)).toBe(1);
    expect(desk.move(-1)).toBe(1);
  });

  it('sorts by known columns only and goes back to the first page', async () => {
    const desk = useDeskStore();
    desk.page = 3;
    await desk.sortBy('resolution_due_at', false);
    expect(desk.ordering).toBe('resolution_due_at');
    expect(desk.page).toBe(1);
    await desk.sortBy('priority', true);
    expect(desk.ordering).toBe('-priority');
    await desk.sortBy('title', false);
    expect(desk.ordering).toBe('-created_at');
  });
});
