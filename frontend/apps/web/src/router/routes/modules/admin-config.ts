import type { RouteRecordRaw } from 'vue-router';

// Service desk configuration. Paths and keys follow the server's `me.navigation`
// (hitsm/accounts/navigation.py): admins and managers see these pages, only admins change them.

export const adminConfigRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/groups',
    name: 'groups',
    component: () => import('@/views/admin-config/groups/index.vue'),
    meta: { navKey: 'groups', title: 'nav.groups' },
  },
  {
    path: 'admin/categories',
    name: 'categories',
    component: () => import('@/views/admin-config/categories/index.vue'),
    meta: { navKey: 'categories', title: 'nav.categories' },
  },
  {
    path: 'admin/routing-rules',
    name: 'routing_rules',
    component: () => import('@/views/admin-config/routing-rules/index.vue'),
    meta: { navKey: 'routing_rules', title: 'nav.routing_rules' },
  },
];
