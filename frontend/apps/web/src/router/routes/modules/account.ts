import type { RouteRecordRaw } from 'vue-router';

export const accountRoutes: RouteRecordRaw[] = [
  {
    path: 'tokens',
    name: 'tokens',
    component: () => import('@/views/account/tokens/index.vue'),
    meta: { navKey: 'tokens', title: 'nav.tokens' },
  },
  {
    // One's own password and two-step verification: open to every signed-in user, whether or
    // not the server lists it in the menu (a password must always be changeable).
    path: 'security',
    name: 'security',
    component: () => import('@/views/account/security/index.vue'),
    meta: { title: 'nav.security' },
  },
];
