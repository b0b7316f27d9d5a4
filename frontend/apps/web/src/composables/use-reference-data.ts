import { listAssignmentGroups, listCategories, type AssignmentGroup, type Category } from '@hitsm/api';
import { ref, type Ref } from 'vue';

export interface CategoryNode {
  value: number;
  label: string;
  children?: CategoryNode[];
}

const groups = ref<AssignmentGroup[]>([]);
const categories = ref<Category[]>([]);
let groupsLoad: Promise<void> | null = null;
let categoriesLoad: Promise<void> | null = null;

/** Categories as a tree for `el-tree-select` / `el-cascader`. */
export function categoryTree(items: readonly Category[]): CategoryNode[] {
  const nodes = new Map<number, CategoryNode>(items.map((c) => [c.id, { value: c.id, label: c.name }]));
  const roots: CategoryNode[] = [];
  for (const item of items) {
    const node = nodes.get(item.id) as CategoryNode;
    const parent = item.parent ? nodes.get(item.parent) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

/** Active assignment groups with their members, read once per page load (max 200 groups). */
export function useAssignmentGroups(): { groups: Ref<AssignmentGroup[]>; ready: Promise<void> } {
  groupsLoad ??= listAssignmentGroups({ is_active: true, page_size: 200 })
    .then((page) => {
      groups.value = page.results;
    })
    .catch((error: unknown) => {
      groupsLoad = null;
      throw error;
    });
  return { groups, ready: groupsLoad };
}

export function useCategories(): { categories: Ref<Category[]>; ready: Promise<void> } {
  categoriesLoad ??= listCategories()
    .then((items) => {
      categories.value = items;
    })
    .catch((error: unknown) => {
      categoriesLoad = null;
      throw error;
    });
  return { categories, ready: categoriesLoad };
}

/** Forget cached reference data (sign-out, tests). */
export function resetReferenceData(): void {
  groups.value = [];
  categories.value = [];
  groupsLoad = null;
  categoriesLoad = null;
}
