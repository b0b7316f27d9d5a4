import type { RouteRecordRaw } from 'vue-router';

import { accountRoutes } from './modules/account';
import { adminConfigRoutes } from './modules/admin-config';
import { auditRoutes } from './modules/audit';
import { catalogRoutes } from './modules/catalog';
import { catalogAdminRoutes } from './modules/catalog-admin';
import { catalogFormRoutes } from './modules/catalog-forms';
import { cmdbRoutes } from './modules/cmdb';
import { dashboardRoutes } from './modules/dashboard';
import { dashboardsRoutes, wallboardRoutes } from './modules/dashboards';
import { directoryRoutes } from './modules/directory';
import { knowledgeRoutes } from './modules/knowledge';
import { notificationRoutes } from './modules/notifications';
import { servicedeskRoutes } from './modules/servicedesk';
import { slaRoutes } from './modules/sla';
import { surveyRoutes } from './modules/surveys';
import { systemRoutes } from './modules/system';
import { workflowRoutes } from './modules/workflow';

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/login/index.vue'),
    meta: { public: true, title: 'auth.welcome' },
  },
  {
    path: '/',
    component: () => import('@/layouts/main-layout/index.vue'),
    children: [
      ...dashboardRoutes,
      ...servicedeskRoutes,
      ...catalogRoutes,
      ...knowledgeRoutes,
      ...notificationRoutes,
      ...dashboardsRoutes,
      ...surveyRoutes,
      ...cmdbRoutes,
      ...directoryRoutes,
      ...adminConfigRoutes,
      ...catalogFormRoutes,
      ...catalogAdminRoutes,
      ...slaRoutes,
      ...workflowRoutes,
      ...accountRoutes,
      ...systemRoutes,
      ...auditRoutes,
      {
        path: '403',
        name: 'forbidden',
        component: () => import('@/views/errors/forbidden/index.vue'),
        meta: { title: 'errors.forbidden_title' },
      },
    ],
  },
  ...wallboardRoutes,
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/errors/not-found/index.vue'),
    meta: { public: true, title: 'errors.not_found_title' },
  },
];
