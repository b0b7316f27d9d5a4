import type { RouteRecordRaw } from 'vue-router';

import { landingRedirect } from '@/router/landing';
import { useSessionStore } from '@/stores/session';

export const dashboardRoutes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'home',
    component: () => import('@/views/dashboard/home/index.vue'),
    meta: { navKey: 'home', title: 'nav.home' },
    beforeEnter: (_to, from) => {
      const target = landingRedirect(useSessionStore().me, from.name);
      return target ? { name: target } : true;
    },
  },
];
