import {
  knowledgeCategoryTree,
  listKnowledgeArticles,
  listKnowledgeCategories,
  selfServiceQuery,
  type KnowledgeArticleBrief,
  type KnowledgeCategory,
  type SelfServiceQuery,
} from '@hitsm/api';
import { computed, ref } from 'vue';

import { reportError } from '@/errors';

export const PAGE_SIZE = 10;

/** The self-service page: the category tree with counts and one list (search, category or popular). */
export function useKnowledgeHome() {
  const categories = ref<KnowledgeCategory[]>([]);
  const tree = computed(() => knowledgeCategoryTree(categories.value));
  const articles = ref<KnowledgeArticleBrief[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const failed = ref(false);
  let generation = 0;

  async function loadCategories(): Promise<void> {
    try {
      categories.value = await listKnowledgeCategories();
    } catch (error) {
      reportError(error);
    }
  }

  async function load(query: SelfServiceQuery): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    failed.value = false;
    try {
      const page = await listKnowledgeArticles(selfServiceQuery(query, PAGE_SIZE));
      if (mine !== generation) return;
      articles.value = page.results;
      total.value = page.count;
    } catch (error) {
      if (mine !== generation) return;
      failed.value = true;
      reportError(error);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function categoryName(id: number | null): string {
    return categories.value.find((row) => row.id === id)?.name ?? '';
  }

  return { categories, tree, articles, total, loading, failed, loadCategories, load, categoryName };
}
