import type { Role } from '@hitsm/api';
import { computed, type ComputedRef } from 'vue';

import { useSessionStore } from '@/stores/session';

/** Who changes the SLA configuration (hitsm/sla/selectors.py `SlaConfigPolicy`); IT staff read it. */
export const SLA_WRITERS: readonly Role[] = ['admin', 'manager'];

/** What the signed-in user may do with calendars, holidays and policies; the server enforces it. */
export function useSlaAccess(): { canWrite: ComputedRef<boolean> } {
  const session = useSessionStore();
  return {
    canWrite: computed(() => {
      const me = session.me;
      return Boolean(me && (me.is_superuser || me.roles.some((role) => SLA_WRITERS.includes(role))));
    }),
  };
}
