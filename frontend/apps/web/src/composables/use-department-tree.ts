import { getDepartmentTree, type DepartmentTreeNode } from '@hitsm/api';
import { ref, type Ref } from 'vue';

let cached: Promise<DepartmentTreeNode[]> | null = null;

/** `GET departments/tree/`, fetched once per page load and shared by every picker. */
export function useDepartmentTree(): { tree: Ref<DepartmentTreeNode[]>; ready: Promise<void> } {
  const tree = ref<DepartmentTreeNode[]>([]);
  cached ??= getDepartmentTree().catch((error: unknown) => {
    cached = null;
    throw error;
  });
  const ready = cached.then((nodes) => {
    tree.value = nodes;
  });
  return { tree, ready };
}
