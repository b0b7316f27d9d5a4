import type { RouteRecordRaw } from 'vue-router';

export const notificationRoutes: RouteRecordRaw[] = [
  {
    path: 'notifications',
    name: 'notifications',
    component: () => import('@/views/notifications/center/index.vue'),
    meta: { navKey: 'notifications', title: 'nav.notifications' },
  },
];
