import type { RouteRecordRaw } from 'vue-router';

// Paths follow the server's `me.navigation` (hitsm/accounts/navigation.py). A ticket's own page
// has no navigation key: whoever may see the ticket may open it; the server answers 404 otherwise.

export const servicedeskRoutes: RouteRecordRaw[] = [
  {
    path: 'desk',
    name: 'desk',
    component: () => import('@/views/servicedesk/desk/index.vue'),
    meta: { navKey: 'desk', title: 'nav.desk' },
  },
  {
    // The desk roles' landing page (router/landing.ts): live counts, today, alarms.
    path: 'desk/board',
    name: 'desk_board',
    component: () => import('@/views/servicedesk/desk-board/index.vue'),
    meta: { navKey: 'desk_board', title: 'nav.desk_board' },
  },
  {
    path: 'tickets/new',
    name: 'new_ticket',
    component: () => import('@/views/servicedesk/new-ticket/index.vue'),
    meta: { navKey: 'new_ticket', title: 'nav.new_ticket' },
  },
  {
    path: 'my-tickets',
    name: 'my_tickets',
    component: () => import('@/views/servicedesk/my-tickets/index.vue'),
    meta: { navKey: 'my_tickets', title: 'nav.my_tickets' },
  },
  {
    path: 'tickets/:id(\\d+)',
    name: 'ticket',
    component: () => import('@/views/servicedesk/ticket/index.vue'),
    meta: { title: 'nav.ticket' },
  },
];
