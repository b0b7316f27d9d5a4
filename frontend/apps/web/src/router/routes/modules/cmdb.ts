import type { RouteRecordRaw } from 'vue-router';

// The CMDB. Paths and keys follow the server's `me.navigation` (hitsm/accounts/navigation.py):
// IT staff read, engineers and system administrators maintain, admins define classes. An item's
// own page belongs to `cmdb`, so whoever may see the list may open it.

export const cmdbRoutes: RouteRecordRaw[] = [
  {
    path: 'cmdb',
    name: 'cmdb',
    component: () => import('@/views/cmdb/items/index.vue'),
    meta: { navKey: 'cmdb', title: 'nav.cmdb' },
  },
  {
    path: 'cmdb/items/:id(\\d+)',
    name: 'cmdb_item',
    component: () => import('@/views/cmdb/item/index.vue'),
    meta: { navKey: 'cmdb', title: 'nav.cmdb_item' },
  },
  {
    path: 'cmdb/diagram',
    name: 'cmdb_diagram',
    component: () => import('@/views/cmdb/diagram/index.vue'),
    meta: { navKey: 'cmdb_diagram', title: 'nav.cmdb_diagram' },
  },
  {
    path: 'cmdb/import',
    name: 'cmdb_import',
    component: () => import('@/views/cmdb/import/index.vue'),
    meta: { navKey: 'cmdb_import', title: 'nav.cmdb_import' },
  },
  {
    path: 'cmdb/classes',
    name: 'cmdb_classes',
    component: () => import('@/views/cmdb/classes/index.vue'),
    meta: { navKey: 'cmdb_classes', title: 'nav.cmdb_classes' },
  },
];
