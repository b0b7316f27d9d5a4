import type { RouteRecordRaw } from 'vue-router';

// Catalog administration (docs/catalog.md). Paths and keys follow the server's `me.navigation`
// (hitsm/accounts/navigation.py): admins and IT managers see the items and the NFR/PBA records
// (only admins change them, managers get the same pages read-only); IT staff see the OBASHI
// statistics.

export const catalogAdminRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/catalog/items',
    name: 'catalog_items',
    component: () => import('@/views/catalog-admin/items/index.vue'),
    meta: { navKey: 'catalog_items', title: 'catalogAdmin.items.title' },
  },
  {
    path: 'admin/catalog/records',
    name: 'catalog_records',
    component: () => import('@/views/catalog-admin/records/index.vue'),
    meta: { navKey: 'catalog_records', title: 'catalogAdmin.records.title' },
  },
  {
    path: 'catalog/stats',
    name: 'catalog_stats',
    component: () => import('@/views/catalog-admin/stats/index.vue'),
    meta: { navKey: 'catalog_stats', title: 'catalogAdmin.stats.title' },
  },
];
