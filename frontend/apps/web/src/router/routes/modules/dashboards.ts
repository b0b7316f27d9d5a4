import type { RouteRecordRaw } from 'vue-router';

// Management dashboards. Paths and keys follow the server's `me.navigation`
// (hitsm/accounts/navigation.py): the KPI board is for IT staff, as its API is.

export const dashboardsRoutes: RouteRecordRaw[] = [
  {
    path: 'kpi',
    name: 'kpi_board',
    component: () => import('@/views/dashboards/kpi-board/index.vue'),
    meta: { navKey: 'kpi_board', title: 'nav.kpi_board' },
  },
];

/** The wall screen: full screen, outside the app's layout, for the desk roles. */
export const wallboardRoutes: RouteRecordRaw[] = [
  {
    path: '/wall',
    name: 'wallboard',
    component: () => import('@/views/dashboards/wallboard/index.vue'),
    meta: { navKey: 'wallboard', title: 'nav.wallboard' },
  },
];
