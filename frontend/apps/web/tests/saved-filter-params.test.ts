import type * as ApiModule from '@hitsm/api';
import { getTicketQueues, listTickets } from '@hitsm/api';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { emptyFilters, useDeskStore, type DeskFilterSet } from '@/stores/desk';
import { fromSavedParams, matchesSaved, toSavedParams } from '@/views/servicedesk/desk/saved-filter-params';

import { COUNTS } from './fixtures';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  getTicketQueues: vi.fn(),
  listTickets: vi.fn(),
}));

const set = (patch: Partial<DeskFilterSet['filters']> = {}, queue: DeskFilterSet['queue'] = 'open', ordering = '-created_at'): DeskFilterSet => ({
  queue,
  ordering,
  filters: { ...emptyFilters(), ...patch },
});

describe('saved filter params', () => {
  it('keep only what is set, under the ticket list query names', () => {
    expect(toSavedParams(set())).toEqual({ queue: 'open' });
    expect(
      toSavedParams(
        set({ q: '  打印机 ', status: ['pending', 'new'], kind: 'incident', priority: 1, assignment_group: 4 }, 'my_groups', 'priority'),
      ),
    ).toEqual({ queue: 'my_groups', q: '打印机', status: ['new', 'pending'], kind: 'incident', priority: 1, assignment_group: 4, ordering: 'priority' });
  });

  it('read back exactly what was saved', () => {
    const saved = set({ q: 'HIS', status: ['assigned'], priority: 2, assignment_group: 9 }, 'overdue', '-resolution_due_at');
    expect(fromSavedParams(toSavedParams(saved), 'intake')).toEqual(saved);
  });

  it('drop values that are not valid filters (another client, an old version, a hand-made row)', () => {
    const result = fromSavedParams(
      { queue: 'everything', q: 42, status: ['new', 'lost'], kind: 'outage', priority: '9', assignment_group: -3, ordering: 'title' },
      'mine',
    );
    expect(result).toEqual(set({ status: ['new'] }, 'mine'));
  });

  it('accept single values and numeric strings as the query string would give them', () => {
    const result = fromSavedParams({ status: 'pending', priority: '2', assignment_group: '7' }, 'intake');
    expect(result.filters).toMatchObject({ status: ['pending'], priority: 2, assignment_group: 7 });
  });

  it('survive params that are not an object at all', () => {
    expect(fromSavedParams(null, 'intake')).toEqual(set({}, 'intake'));
    expect(fromSavedParams(['new'], 'open')).toEqual(set({}, 'open'));
  });

  it('tell whether the desk shows what a saved filter restores', () => {
    const params = { queue: 'open', q: '打印机', status: ['new', 'pending'] };
    expect(matchesSaved(set({ q: '打印机', status: ['pending', 'new'] }), params)).toBe(true);
    expect(matchesSaved(set({ q: '打印机', status: ['pending'] }), params)).toBe(false);
    expect(matchesSaved(set({ q: '打印机', status: ['pending', 'new'] }, 'intake'), params)).toBe(false);
  });
});

describe('desk store and saved filters', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(getTicketQueues).mockReset().mockResolvedValue({ ...COUNTS, unaccepted_minutes: 45 });
    vi.mocked(listTickets).mockReset().mockResolvedValue({ count: 0, next: null, previous: null, results: [] });
  });

  it('applies a saved set: queue, filters and order, from the first page', async () => {
    const desk = useDeskStore();
    desk.filters.kind = 'request';
    desk.page = 4;
    await desk.applyFilterSet(fromSavedParams({ queue: 'my_groups', q: '打印机', priority: 1, ordering: 'priority' }, desk.queue));
    expect(listTickets).toHaveBeenLastCalledWith({ queue: 'my_groups', ordering: 'priority', page: 1, page_size: 20, q: '打印机', priority: 1 });
    expect(desk.filters.kind).toBe('');
    expect(toSavedParams(desk.filterSet())).toEqual({ queue: 'my_groups', q: '打印机', priority: 1, ordering: 'priority' });
  });

  it('takes the unaccepted threshold from the server, not from the app', async () => {
    const desk = useDeskStore();
    expect(desk.unacceptedMinutes).toBeNull();
    await desk.loadCounts();
    expect(desk.unacceptedMinutes).toBe(45);
  });
});
