import { getKnowledgeArticle, isApiError, type KnowledgeArticle } from '@hitsm/api';
import { ref, watch, type Ref } from 'vue';

import { reportError } from '@/setup';

/** One article by id (null: none); a 404 sets `missing`, other failures are reported. */
export function useArticle(id: Ref<number | null>) {
  const article = ref<KnowledgeArticle | null>(null);
  const loading = ref(false);
  const missing = ref(false);
  let generation = 0;

  async function load(): Promise<void> {
    const mine = ++generation;
    const current = id.value;
    missing.value = false;
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
      else reportError(error);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  watch(id, load, { immediate: true });
  return { article, loading, missing, reload: load };
}
