import type { RouteRecordRaw } from 'vue-router';

// Paths follow the server's `me.navigation` (hitsm/accounts/navigation.py); the Django admin
// itself lives at /admin/django/.

export const directoryRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/users',
    name: 'users',
    component: () => import('@/views/directory/users/index.vue'),
    meta: { navKey: 'users', title: 'nav.users' },
  },
  {
    path: 'admin/user-import',
    name: 'user_import',
    component: () => import('@/views/directory/user-import/index.vue'),
    meta: { navKey: 'user_import', title: 'nav.user_import' },
  },
  {
    path: 'admin/departments',
    name: 'departments',
    component: () => import('@/views/directory/departments/index.vue'),
    meta: { navKey: 'departments', title: 'nav.departments' },
  },
];
