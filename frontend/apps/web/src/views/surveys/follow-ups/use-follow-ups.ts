import {
  closeSurveyFollowUp,
  listSurveyFollowUps,
  takeSurveyFollowUp,
  type SurveyFollowUp,
  type SurveyFollowUpStatus,
} from '@hitsm/api';
import { storeToRefs } from 'pinia';
import { computed, ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';

import { useSessionStore } from '@/stores/session';

import { isSurveyManager } from '../survey-roles';

export const FOLLOW_UP_PAGE_SIZE = 20;
export type FollowUpFilter = SurveyFollowUpStatus | 'all';

/** The status filter from the page's URL: open follow-ups unless the link says otherwise. */
export function followUpFilterFrom(query: Record<string, unknown>): FollowUpFilter {
  const value = query.status;
  return value === 'closed' || value === 'all' ? value : 'open';
}

/** Scores by question key as `[{key, score}]`, the lowest first (the follow-up's reason first). */
export function scoreList(scores: Readonly<Record<string, number>> | null | undefined): { key: string; score: number }[] {
  return Object.entries(scores ?? {})
    .map(([key, score]) => ({ key, score }))
    .sort((a, b) => a.score - b.score);
}

/**
 * The follow-up list: its status filter (kept in the URL), one page at a time, taking a
 * follow-up and closing it with the call's outcome; a changed row replaces its old self.
 */
export function useFollowUps() {
  const route = useRoute();
  const router = useRouter();
  const { me } = storeToRefs(useSessionStore());
  const filter = ref<FollowUpFilter>(followUpFilterFrom(route.query));
  const page = ref(1);
  const rows = ref<SurveyFollowUp[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const canManage = computed(() => isSurveyManager(me.value));

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const status = filter.value === 'all' ? undefined : filter.value;
      const result = await listSurveyFollowUps({ status, page: page.value, page_size: FOLLOW_UP_PAGE_SIZE });
      rows.value = result.results;
      total.value = result.count;
    } finally {
      loading.value = false;
    }
  }

  function setFilter(value: FollowUpFilter): void {
    filter.value = value;
    page.value = 1;
    void router.replace({ query: value === 'open' ? {} : { status: value } });
  }

  function replace(changed: SurveyFollowUp): void {
    rows.value = rows.value.map((row) => (row.id === changed.id ? changed : row));
  }

  async function take(row: SurveyFollowUp): Promise<void> {
    replace(await takeSurveyFollowUp(row.id));
  }

  async function close(row: SurveyFollowUp, outcome: string): Promise<SurveyFollowUp> {
    const closed = await closeSurveyFollowUp(row.id, outcome);
    replace(closed);
    return closed;
  }

  const myId = computed(() => me.value?.id ?? null);
  return { filter, page, rows, total, loading, canManage, myId, load, setFilter, take, close };
}
