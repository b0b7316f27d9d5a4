import type * as ApiModule from '@hitsm/api';
import { getUnreadCount, listNotifications, markNotificationsRead, type Notification } from '@hitsm/api';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { useNotificationsStore } from '@/stores/notifications';
import { useRealtimeStore } from '@/stores/realtime';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  getUnreadCount: vi.fn(),
  listNotifications: vi.fn(),
  markNotificationsRead: vi.fn(),
}));

function notification(id: number, read = false): Notification {
  return {
    id,
    kind: 'ticket.accepted',
    kind_label: '我的工单已受理',
    title: `工单 INC-${id} 已受理`,
    body: '',
    link: `/tickets/${id}`,
    ticket_id: id,
    created_at: '2026-03-02T08:10:00+08:00',
    read_at: read ? '2026-03-02T08:11:00+08:00' : null,
  };
}

describe('notifications store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(getUnreadCount).mockReset().mockResolvedValue(2);
    vi.mocked(listNotifications).mockReset().mockResolvedValue({ count: 2, results: [notification(2), notification(1, true)] });
    vi.mocked(markNotificationsRead).mockReset().mockResolvedValue(0);
  });

  it('reads the count, then counts each pushed notification live', async () => {
    const store = useNotificationsStore();
    await store.refreshCount();
    await store.loadLatest();
    useRealtimeStore().dispatch({
      type: 'notification',
      payload: { id: 3, kind: 'ticket.resolved', title: '工单 INC-3 已解决，请确认', body: '', link: '/tickets/3', created_at: '2026-03-02T09:00:00+08:00' },
    });
    expect(store.unread).toBe(3);
    expect(store.latest.map((n) => n.id)).toEqual([3, 2, 1]);
  });

  it('does not count the same push twice', () => {
    const store = useNotificationsStore();
    const push = { id: 9, kind: 'ticket.reply', title: 't', body: '', link: '', created_at: '2026-03-02T09:00:00+08:00' };
    store.applyPush(push);
    store.applyPush(push);
    expect(store.unread).toBe(1);
  });

  it('marks all as read and takes the remaining count from the server', async () => {
    const store = useNotificationsStore();
    await store.loadLatest();
    await store.markRead();
    expect(markNotificationsRead).toHaveBeenCalledWith(undefined);
    expect(store.unread).toBe(0);
    expect(store.latest.every((n) => n.read_at)).toBe(true);
  });
});

describe('realtime store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('hands every frame to subscribers until they unsubscribe', () => {
    const realtime = useRealtimeStore();
    const seen: string[] = [];
    const stop = realtime.subscribe((frame) => seen.push(frame.type));
    realtime.dispatch({ type: 'ticket.event', payload: { ticket: 1, event: 2 } });
    stop();
    realtime.dispatch({ type: 'ticket.event', payload: { ticket: 1, event: 3 } });
    expect(seen).toEqual(['ticket.event']);
  });
});
