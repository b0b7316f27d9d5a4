import type { Role } from '@hitsm/api';
import { computed, type ComputedRef } from 'vue';

import { useSessionStore } from '@/stores/session';

/** Who maintains items and relations (hitsm/cmdb/selectors.py `CMDB_WRITERS`). */
export const CMDB_WRITERS: readonly Role[] = ['admin', 'sysadmin', 'engineer'];
/** Who may delete an item (rather than retire it). */
export const CMDB_DELETERS: readonly Role[] = ['admin', 'sysadmin'];

export function hasAnyRole(roles: readonly Role[], wanted: readonly Role[]): boolean {
  return roles.some((role) => wanted.includes(role));
}

/** What the signed-in user may do in the CMDB; the server enforces the same rules. */
export function useCmdbAccess(): {
  canWrite: ComputedRef<boolean>;
  canDelete: ComputedRef<boolean>;
  canEditSchema: ComputedRef<boolean>;
} {
  const session = useSessionStore();
  const roles = computed<Role[]>(() => {
    const me = session.me;
    if (!me) return [];
    return me.is_superuser ? [...me.roles, 'admin'] : me.roles;
  });
  return {
    canWrite: computed(() => hasAnyRole(roles.value, CMDB_WRITERS)),
    canDelete: computed(() => hasAnyRole(roles.value, CMDB_DELETERS)),
    canEditSchema: computed(() => session.isAdmin),
  };
}
