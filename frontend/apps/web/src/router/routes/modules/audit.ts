import type { RouteRecordRaw } from 'vue-router';

// The audit log (hitsm/audit): the auditor's pages. Paths and keys follow the server's
// `me.navigation` (hitsm/accounts/navigation.py); the API answers everyone else 403.

export const auditRoutes: RouteRecordRaw[] = [
  {
    path: 'audit/changes',
    name: 'audit_changes',
    component: () => import('@/views/audit/changes/index.vue'),
    meta: { navKey: 'audit_changes', title: 'nav.audit_changes' },
  },
  {
    path: 'audit/logins',
    name: 'audit_logins',
    component: () => import('@/views/audit/logins/index.vue'),
    meta: { navKey: 'audit_logins', title: 'nav.audit_logins' },
  },
  {
    path: 'audit/seals',
    name: 'audit_seals',
    component: () => import('@/views/audit/seals/index.vue'),
    meta: { navKey: 'audit_seals', title: 'nav.audit_seals' },
  },
];
