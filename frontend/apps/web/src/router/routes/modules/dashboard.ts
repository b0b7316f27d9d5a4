import type { RouteRecordRaw } from 'vue-router';

export const dashboardRoutes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'home',
    component: () => import('@/views/dashboard/home/index.vue'),
    meta: { navKey: 'home', title: 'nav.home' },
  },
];
