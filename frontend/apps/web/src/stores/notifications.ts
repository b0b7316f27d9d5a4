import {
  getUnreadCount,
  listNotifications,
  markNotificationsRead,
  type Notification,
  type NotificationPush,
} from '@hitsm/api';
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const BELL_SIZE = 10;

/**
 * The header bell: the unread count (from the server, then kept live by `notification` frames)
 * and the latest few messages for the dropdown.
 */
export const useNotificationsStore = defineStore('notifications', () => {
  const unread = ref(0);
  const latest = ref<Notification[]>([]);
  const loaded = ref(false);

  async function refreshCount(): Promise<void> {
    unread.value = await getUnreadCount();
  }

  async function loadLatest(): Promise<void> {
    const page = await listNotifications({ page: 1, page_size: BELL_SIZE });
    latest.value = page.results;
    loaded.value = true;
  }

  /** A pushed notification: count it and show it on top of the dropdown at once. */
  function applyPush(push: NotificationPush): void {
    if (latest.value.some((item) => item.id === push.id)) return;
    unread.value += 1;
    const item = { ...push, kind_label: '', ticket_id: null, read_at: null } as unknown as Notification;
    latest.value = [item, ...latest.value].slice(0, BELL_SIZE);
  }

  async function markRead(ids?: number[]): Promise<void> {
    unread.value = await markNotificationsRead(ids);
    const now = new Date().toISOString();
    latest.value = latest.value.map((item) =>
      ids === undefined || ids.includes(item.id) ? { ...item, read_at: item.read_at ?? now } : item,
    );
  }

  function reset(): void {
    unread.value = 0;
    latest.value = [];
    loaded.value = false;
  }

  return { unread, latest, loaded, refreshCount, loadLatest, applyPush, markRead, reset };
});
