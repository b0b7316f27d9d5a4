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
  {
    // WeCom: admins only (`me.navigation`, hitsm/accounts/navigation.py).
    path: 'system/wecom',
    name: 'wecom',
    component: () => import('@/views/system/wecom/index.vue'),
    meta: { navKey: 'wecom', title: 'nav.wecom' },
  },
];
