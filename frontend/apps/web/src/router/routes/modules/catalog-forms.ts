import type { RouteRecordRaw } from 'vue-router';

// Catalog forms: the admin's form designer (docs/catalog.md). Paths and keys follow the server's
// `me.navigation` (hitsm/accounts/navigation.py): only admins see `catalog_forms`; a form's
// designer belongs to the list's key, so whoever may see the list may open it.

export const catalogFormRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/catalog/forms',
    name: 'catalog_forms',
    component: () => import('@/views/catalog-admin/forms/index.vue'),
    meta: { navKey: 'catalog_forms', title: 'formDesigner.list.title' },
  },
  {
    path: 'admin/catalog/forms/:id(\\d+)',
    name: 'catalog_form',
    component: () => import('@/views/catalog-admin/forms/designer/index.vue'),
    meta: { navKey: 'catalog_forms', title: 'formDesigner.title' },
  },
];
