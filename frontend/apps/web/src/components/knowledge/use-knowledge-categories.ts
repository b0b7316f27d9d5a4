import { knowledgeCategoryTree, listKnowledgeCategories, type KnowledgeCategory, type KnowledgeCategoryNode } from '@hitsm/api';
import { computed, ref } from 'vue';

import type { CategoryNode } from '@/composables/use-reference-data';
import { reportError } from '@/errors';

/** The tree as `el-tree-select` options. */
export function categoryOptions(nodes: readonly KnowledgeCategoryNode[]): CategoryNode[] {
  return nodes.map((node) => {
    const option: CategoryNode = { value: node.id, label: node.name };
    if (node.children.length) option.children = categoryOptions(node.children);
    return option;
  });
}

/** The knowledge categories for a filter or a form, read when the page opens. */
export function useKnowledgeCategories() {
  const categories = ref<KnowledgeCategory[]>([]);
  const options = computed(() => categoryOptions(knowledgeCategoryTree(categories.value)));
  const ready = listKnowledgeCategories()
    .then((rows) => {
      categories.value = rows;
    })
    .catch(reportError);
  return { categories, options, ready };
}
