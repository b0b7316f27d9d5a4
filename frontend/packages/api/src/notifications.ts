/** The notification centre (hitsm/notifications/api/views.py): the bell and the preferences. */
import type { HitsmClient } from './client';
import { unwrap } from './errors';
import type {
  NotificationPage,
  NotificationPreference,
  NotificationPreferenceRequest,
  NotificationQuery,
} from './types';

export function createNotificationEndpoints(client: HitsmClient) {
  return {
    /** `unread=true` lists only unread ones. */
    async listNotifications(query: NotificationQuery = {}): Promise<NotificationPage> {
      return unwrap(await client.GET('/api/v1/notifications/', { params: { query: query as never } }));
    },
    async getUnreadCount(): Promise<number> {
      return unwrap(await client.GET('/api/v1/notifications/unread-count/')).unread;
    },
    /** Mark some (ids) or all (no ids) as read; answers the remaining unread count. */
    async markNotificationsRead(ids?: number[]): Promise<number> {
      const body = ids === undefined ? {} : { ids };
      return unwrap(await client.POST('/api/v1/notifications/mark-read/', { body })).unread;
    },
    async getNotificationPreferences(): Promise<NotificationPreference[]> {
      return unwrap(await client.GET('/api/v1/notification-preferences/'));
    },
    async putNotificationPreferences(rows: NotificationPreferenceRequest[]): Promise<NotificationPreference[]> {
      return unwrap(await client.PUT('/api/v1/notification-preferences/', { body: rows }));
    },
  };
}

export type NotificationEndpoints = ReturnType<typeof createNotificationEndpoints>;
