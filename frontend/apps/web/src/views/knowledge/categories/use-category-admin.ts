import {
  createKnowledgeCategory,
  deleteKnowledgeCategory,
  listKnowledgeCategories,
  patchKnowledgeCategory,
  type KnowledgeCategory,
  type KnowledgeCategoryRequest,
} from '@hitsm/api';
import { ref } from 'vue';

import type { CategoryNode } from '@/composables/use-reference-data';

/** Where a dragged category lands, as `el-tree` reports it. */
export type DropType = 'before' | 'after' | 'inner';

export interface CategoryMove {
  id: number;
  parent: number | null;
  order: number;
}

/** The category and everything under it (what it may not be moved into). */
export function subtreeIds(rows: readonly KnowledgeCategory[], id: number): Set<number> {
  const found = new Set<number>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of rows) {
      if (row.parent !== null && row.parent !== undefined && found.has(row.parent) && !found.has(row.id)) {
        found.add(row.id);
        grew = true;
      }
    }
  }
  return found;
}

/** The parents a category may take, as `el-tree-select` options: not itself, not its own sub-categories. */
export function parentChoices(rows: readonly KnowledgeCategory[], editing: number | null): CategoryNode[] {
  const excluded = editing === null ? new Set<number>() : subtreeIds(rows, editing);
  const build = (parent: number | null): CategoryNode[] =>
    rows
      .filter((row) => (row.parent ?? null) === parent && !excluded.has(row.id))
      .map((row) => {
        const node: CategoryNode = { value: row.id, label: row.name };
        const children = build(row.id);
        if (children.length) node.children = children;
        return node;
      });
  return build(null);
}

/**
 * What a drop changes: the dragged category's new parent, and the orders (10, 20, …) of the
 * siblings it joins in their new sequence. Only categories whose parent or order changes are
 * returned; a drop into itself or below itself changes nothing.
 */
export function dropMoves(rows: readonly KnowledgeCategory[], dragged: number, target: number, type: DropType): CategoryMove[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const moving = byId.get(dragged);
  const onto = byId.get(target);
  if (!moving || !onto || subtreeIds(rows, dragged).has(target)) return [];
  const parent = type === 'inner' ? onto.id : (onto.parent ?? null);
  const siblings = rows.filter((row) => (row.parent ?? null) === parent && row.id !== dragged);
  let at = siblings.length;
  if (type !== 'inner') {
    const index = siblings.findIndex((row) => row.id === target);
    at = type === 'before' ? index : index + 1;
  }
  const sequence = [...siblings.slice(0, at), moving, ...siblings.slice(at)];
  const moves: CategoryMove[] = [];
  sequence.forEach((row, index) => {
    const order = (index + 1) * 10;
    const newParent = row.id === dragged ? parent : (row.parent ?? null);
    if (order !== row.order || newParent !== (row.parent ?? null)) moves.push({ id: row.id, parent: newParent, order });
  });
  return moves;
}

/** The category list for the management page: load, save, move, delete (the server decides). */
export function useCategoryAdmin() {
  const rows = ref<KnowledgeCategory[]>([]);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      rows.value = await listKnowledgeCategories();
    } finally {
      loading.value = false;
    }
  }

  async function save(id: number | null, body: Partial<KnowledgeCategoryRequest>): Promise<KnowledgeCategory> {
    const saved = id === null ? await createKnowledgeCategory(body as KnowledgeCategoryRequest) : await patchKnowledgeCategory(id, body);
    await load();
    return saved;
  }

  /** Apply a drop; the list is read again whatever happened. */
  async function move(dragged: number, target: number, type: DropType): Promise<void> {
    try {
      for (const change of dropMoves(rows.value, dragged, target, type)) {
        await patchKnowledgeCategory(change.id, { parent: change.parent, order: change.order });
      }
    } finally {
      await load();
    }
  }

  async function remove(id: number): Promise<void> {
    await deleteKnowledgeCategory(id);
    await load();
  }

  return { rows, loading, load, save, move, remove };
}
