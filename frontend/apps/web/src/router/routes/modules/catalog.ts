import type { RouteRecordRaw } from 'vue-router';

// The service menu (docs/catalog.md): everyone's menu and the page that submits one of its items. Paths and
// keys follow the server's `me.navigation` (hitsm/accounts/navigation.py); an item's page belongs
// to the menu's key. The server answers 404 for an item the user may not see.

export const catalogRoutes: RouteRecordRaw[] = [
  {
    path: 'catalog',
    name: 'catalog',
    component: () => import('@/views/catalog/menu/index.vue'),
    meta: { navKey: 'catalog', title: 'nav.catalog' },
  },
  {
    path: 'catalog/items/:id(\\d+)',
    name: 'catalog_item',
    component: () => import('@/views/catalog/item/index.vue'),
    meta: { navKey: 'catalog', title: 'catalog.item_title' },
  },
];
