import { getKnowledgeArticle, isApiError, type KnowledgeArticle } from '@hitsm/api';
import { ref, watch, type Ref } from 'vue';

import { reportError } from '@/errors';

/**
 * One article by id, loaded whenever the id changes (null: none). A 404 sets `missing` (retired,
 * IT only, or deleted); other failures are reported and set `failed`. Each load counts a view.
 */
export function useArticle(id: Ref<number | null>) {
  const article = ref<KnowledgeArticle | null>(null);
  const loading = ref(false);
  const missing = ref(false);
  const failed = ref(false);
  let generation = 0;

  async function load(): Promise<void> {
    const mine = ++generation;
    const current = id.value;
    missing.value = false;
    failed.value = false;
    if (current === null) {
      article.value = null;
      return;
    }
    loading.value = article.value?.id !== current;
    try {
      const found = await getKnowledgeArticle(current);
      if (mine === generation) article.value = found;
    } catch (error) {
      if (mine !== generation) return;
      article.value = null;
      if (isApiError(error) && error.status === 404) missing.value = true;
      else {
        failed.value = true;
        reportError(error);
      }
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  watch(id, load, { immediate: true });
  return { article, loading, missing, failed, reload: load };
}
