import { isItStaff } from '@hitsm/api';
import { createRouter, createWebHistory, type Router, type RouteRecordRaw } from 'vue-router';

import { i18n } from '@/i18n';
import { useSessionStore } from '@/stores/session';

import { decideH5Route } from './guard';

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/login/index.vue'),
    meta: { public: true, title: 'auth.welcome' },
  },
  {
    path: '/',
    component: () => import('@/layouts/tab-layout/index.vue'),
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('@/views/portal/home/index.vue'),
        meta: { title: 'h5.tab_home' },
      },
      {
        path: 'tickets',
        name: 'my-tickets',
        component: () => import('@/views/servicedesk/my-tickets/index.vue'),
        meta: { title: 'h5.tab_tickets' },
      },
      {
        path: 'tasks',
        name: 'my-tasks',
        component: () => import('@/views/servicedesk/my-tasks/index.vue'),
        meta: { title: 'h5Agent.title', staff: true },
      },
      {
        path: 'me',
        name: 'profile',
        component: () => import('@/views/account/profile/index.vue'),
        meta: { title: 'h5.profile_title' },
      },
    ],
  },
  // Full-screen pages with their own navigation bar (no tab bar).
  {
    path: '/tickets/new',
    name: 'new-ticket',
    component: () => import('@/views/servicedesk/new-ticket/index.vue'),
    meta: { title: 'h5.new_title' },
  },
  {
    path: '/catalog',
    name: 'catalog',
    component: () => import('@/views/catalog/menu/index.vue'),
    meta: { title: 'h5Catalog.title' },
  },
  {
    path: '/catalog/items/:id(\\d+)',
    name: 'catalog-item',
    component: () => import('@/views/catalog/item/index.vue'),
    meta: { title: 'h5Catalog.item_title' },
  },
  {
    path: '/knowledge',
    name: 'knowledge',
    component: () => import('@/views/knowledge/home/index.vue'),
    meta: { title: 'knowledge.title' },
  },
  {
    path: '/knowledge/articles/:id(\\d+)',
    name: 'knowledge-article',
    component: () => import('@/views/knowledge/article/index.vue'),
    meta: { title: 'h5Knowledge.article_title' },
  },
  {
    path: '/tickets/:id(\\d+)',
    name: 'ticket',
    component: () => import('@/views/servicedesk/ticket/index.vue'),
    meta: { title: 'h5.detail_title' },
  },
  { path: '/:pathMatch(.*)*', redirect: { name: 'home' } },
];

export function createAppRouter(): Router {
  // Django serves this portal under /h5/.
  const router = createRouter({ history: createWebHistory('/h5/'), routes });
  router.beforeEach(async (to) => {
    const me = await useSessionStore().ensureLoaded();
    return decideH5Route(to, me !== null, isItStaff(me));
  });
  router.afterEach((to) => {
    const product = i18n.global.t('app.short_name');
    document.title = to.meta.title ? `${i18n.global.t(to.meta.title)} · ${product}` : product;
  });
  return router;
}
