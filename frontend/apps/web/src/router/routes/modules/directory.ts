import type { RouteRecordRaw } from 'vue-router';

export const directoryRoutes: RouteRecordRaw[] = [
  {
    path: 'users',
    name: 'users',
    component: () => import('@/views/directory/users/index.vue'),
    meta: { navKey: 'users', title: 'nav.users' },
  },
  {
    path: 'users/import',
    name: 'user_import',
    component: () => import('@/views/directory/user-import/index.vue'),
    meta: { navKey: 'user_import', title: 'nav.user_import' },
  },
  {
    path: 'departments',
    name: 'departments',
    component: () => import('@/views/directory/departments/index.vue'),
    meta: { navKey: 'departments', title: 'nav.departments' },
  },
];
