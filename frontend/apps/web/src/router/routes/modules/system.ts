import type { RouteRecordRaw } from 'vue-router';

export const systemRoutes: RouteRecordRaw[] = [
  {
    path: 'jobs',
    name: 'jobs',
    component: () => import('@/views/system/jobs/index.vue'),
    meta: { navKey: 'jobs', title: 'nav.jobs' },
  },
  {
    path: 'admin/system',
    name: 'system',
    component: () => import('@/views/system/health/index.vue'),
    meta: { navKey: 'system', title: 'nav.system' },
  },
];
