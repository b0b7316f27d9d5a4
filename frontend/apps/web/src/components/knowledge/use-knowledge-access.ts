import type { Me, Role } from '@hitsm/api';
import { computed, type ComputedRef } from 'vue';

import { useSessionStore } from '@/stores/session';
import { isItStaff } from '@/views/catalog/catalog-access';

/** Who publishes and retires articles and edits synonyms (hitsm/knowledge/selectors.py `REVIEWERS`). */
export const KNOWLEDGE_REVIEWERS: readonly Role[] = ['manager', 'admin'];

export function isKnowledgeReviewer(me: Pick<Me, 'roles' | 'is_superuser'> | null | undefined): boolean {
  return Boolean(me && (me.is_superuser || me.roles.some((role) => KNOWLEDGE_REVIEWERS.includes(role))));
}

/** What the signed-in user may do with the knowledge base; the server enforces it. */
export function useKnowledgeAccess(): { itStaff: ComputedRef<boolean>; reviewer: ComputedRef<boolean> } {
  const session = useSessionStore();
  return {
    itStaff: computed(() => isItStaff(session.me)),
    reviewer: computed(() => isKnowledgeReviewer(session.me)),
  };
}
