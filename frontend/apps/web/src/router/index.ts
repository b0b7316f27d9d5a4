import { createRouter, createWebHistory, type Router } from 'vue-router';

import { i18n } from '@/i18n';
import { useSessionStore } from '@/stores/session';

import { decideRoute } from './guard';
import { routes } from './routes';

export function createAppRouter(): Router {
  const router = createRouter({ history: createWebHistory('/'), routes });

  router.beforeEach(async (to) => {
    const session = useSessionStore();
    const me = await session.ensureLoaded();
    const decision = decideRoute(to, me);
    return decision.kind === 'allow' ? true : decision.to;
  });

  router.afterEach((to) => {
    const product = i18n.global.t('app.short_name');
    document.title = to.meta.title ? `${i18n.global.t(to.meta.title)} · ${product}` : product;
  });

  return router;
}

/** Route names the SPA knows, for mapping `me.navigation` keys to pages. */
export function routeNames(router: Router): Set<string> {
  return new Set(router.getRoutes().flatMap((r) => (typeof r.name === 'string' ? [r.name] : [])));
}
