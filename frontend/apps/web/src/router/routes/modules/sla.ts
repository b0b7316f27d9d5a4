import type { RouteRecordRaw } from 'vue-router';

// SLA configuration. Paths and keys follow the server's `me.navigation`
// (hitsm/accounts/navigation.py): admins and IT managers keep the policies, the working calendars
// and the public holidays; both see the priority matrix, which only admins change. A policy's or
// calendar's own page belongs to its list's key.

export const slaRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/sla/policies',
    name: 'sla_policies',
    component: () => import('@/views/sla/policies/index.vue'),
    meta: { navKey: 'sla_policies', title: 'nav.sla_policies' },
  },
  {
    path: 'admin/sla/policies/new',
    name: 'sla_policy_new',
    component: () => import('@/views/sla/policy/index.vue'),
    meta: { navKey: 'sla_policies', title: 'nav.sla_policy' },
  },
  {
    path: 'admin/sla/policies/:id(\\d+)',
    name: 'sla_policy',
    component: () => import('@/views/sla/policy/index.vue'),
    meta: { navKey: 'sla_policies', title: 'nav.sla_policy' },
  },
  {
    path: 'admin/sla/calendars',
    name: 'sla_calendars',
    component: () => import('@/views/sla/calendars/index.vue'),
    meta: { navKey: 'sla_calendars', title: 'nav.sla_calendars' },
  },
  {
    path: 'admin/sla/calendars/new',
    name: 'sla_calendar_new',
    component: () => import('@/views/sla/calendar/index.vue'),
    meta: { navKey: 'sla_calendars', title: 'nav.sla_calendar' },
  },
  {
    path: 'admin/sla/calendars/:id(\\d+)',
    name: 'sla_calendar',
    component: () => import('@/views/sla/calendar/index.vue'),
    meta: { navKey: 'sla_calendars', title: 'nav.sla_calendar' },
  },
  {
    path: 'admin/sla/holidays',
    name: 'sla_holidays',
    component: () => import('@/views/sla/holidays/index.vue'),
    meta: { navKey: 'sla_holidays', title: 'nav.sla_holidays' },
  },
  {
    path: 'admin/sla/priority-matrix',
    name: 'sla_priority_matrix',
    component: () => import('@/views/sla/priority-matrix/index.vue'),
    meta: { navKey: 'sla_priority_matrix', title: 'nav.sla_priority_matrix' },
  },
];
