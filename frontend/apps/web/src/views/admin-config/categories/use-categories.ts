/** Tree helpers for the category page: the server sends a flat list with `parent` ids. */
import type { Category } from '@hitsm/api';

import type { CategoryNode } from '@/composables/use-reference-data';

export interface CategoryRow {
  id: number;
  name: string;
  code: string;
  parent: number | null;
  kind: Category['kind'];
  default_group: number | null;
  sort_order: number;
  is_active: boolean;
  /** Names from the root down to this category. */
  path: string[];
  children: CategoryRow[];
}

/** Depth guard: the server does not forbid cycles, so walks stop after this many levels. */
const MAX_DEPTH = 20;

function childrenOf(items: readonly Category[]): Map<number | null, Category[]> {
  const ids = new Set(items.map((item) => item.id));
  const map = new Map<number | null, Category[]>();
  for (const item of items) {
    const parent = item.parent && ids.has(item.parent) ? item.parent : null;
    map.set(parent, [...(map.get(parent) ?? []), item]);
  }
  return map;
}

/**
 * The flat list as a tree, in the server's order (sort order, then name). Without
 * `showInactive`, a deactivated category is left out together with everything below it.
 */
export function buildCategoryRows(items: readonly Category[], showInactive: boolean): CategoryRow[] {
  const byParent = childrenOf(items);
  const build = (parent: number | null, path: string[], depth: number): CategoryRow[] =>
    depth > MAX_DEPTH
      ? []
      : (byParent.get(parent) ?? [])
          .filter((item) => showInactive || item.is_active !== false)
          .map((item) => {
            const rowPath = [...path, item.name];
            return {
              id: item.id,
              name: item.name,
              code: item.code,
              parent: item.parent ?? null,
              kind: item.kind ?? '',
              default_group: item.default_group ?? null,
              sort_order: item.sort_order ?? 0,
              is_active: item.is_active !== false,
              path: rowPath,
              children: build(item.id, rowPath, depth + 1),
            };
          });
  return build(null, [], 0);
}

/** Ids of every category below `id` (not `id` itself). */
export function descendantIds(items: readonly Category[], id: number): number[] {
  const byParent = childrenOf(items);
  const out: number[] = [];
  const walk = (parent: number, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const child of byParent.get(parent) ?? []) {
      if (out.includes(child.id)) continue;
      out.push(child.id);
      walk(child.id, depth + 1);
    }
  };
  walk(id, 0);
  return out;
}

/**
 * Active categories as options for `el-tree-select`, reachable only through active parents
 * (a category under a deactivated one is not offered). `exclude` leaves out a category with
 * everything below it (a category cannot hang under itself); `keep` adds a chosen category
 * that is no longer offered, so a form still shows its name.
 */
export function categoryOptions(
  items: readonly Category[],
  { exclude = null, keep = null }: { exclude?: number | null; keep?: number | null } = {},
): CategoryNode[] {
  const convert = (rows: readonly CategoryRow[]): CategoryNode[] =>
    rows
      .filter((row) => row.id !== exclude)
      .map((row) => {
        const children = convert(row.children);
        return children.length ? { value: row.id, label: row.name, children } : { value: row.id, label: row.name };
      });
  const options = convert(buildCategoryRows(items, false));
  const offered = (nodes: readonly CategoryNode[]): boolean =>
    nodes.some((node) => node.value === keep || offered(node.children ?? []));
  if (keep !== null && keep !== exclude && items.some((item) => item.id === keep) && !offered(options)) {
    options.push({ value: keep, label: categoryPath(items, keep) });
  }
  return options;
}

/** Where a category may hang: see {@link categoryOptions}; `self` is null for a new one. */
export function parentChoices(items: readonly Category[], self: number | null, current: number | null = null): CategoryNode[] {
  return categoryOptions(items, { exclude: self, keep: current });
}

/** "Hardware › Printers" for a category id, from the flat list. */
export function categoryPath(items: readonly Category[], id: number | null | undefined, separator = ' › '): string {
  const byId = new Map(items.map((item) => [item.id, item]));
  const names: string[] = [];
  let node = id ? byId.get(id) : undefined;
  while (node && names.length <= MAX_DEPTH) {
    names.unshift(node.name);
    node = node.parent ? byId.get(node.parent) : undefined;
  }
  return names.join(separator);
}

/** The number of categories a filter hides. */
export function countRows(rows: readonly CategoryRow[]): number {
  return rows.reduce((sum, row) => sum + 1 + countRows(row.children), 0);
}
