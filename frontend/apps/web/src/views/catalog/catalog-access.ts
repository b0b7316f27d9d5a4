import type { Me, Role } from '@hitsm/api';
import { computed, type ComputedRef } from 'vue';

import { useSessionStore } from '@/stores/session';

/** IT staff (hitsm/accounts/roles.py `IT_STAFF`): they submit on behalf of others and see the assistant's detail. */
export const IT_STAFF_ROLES: readonly Role[] = ['agent', 'engineer', 'sysadmin', 'manager', 'admin'];

export function isItStaff(me: Pick<Me, 'roles' | 'is_superuser'> | null | undefined): boolean {
  return Boolean(me && (me.is_superuser || me.roles.some((role) => IT_STAFF_ROLES.includes(role))));
}

/** Whether the signed-in user is IT staff; the server decides what they may do. */
export function useItStaff(): ComputedRef<boolean> {
  const session = useSessionStore();
  return computed(() => isItStaff(session.me));
}
