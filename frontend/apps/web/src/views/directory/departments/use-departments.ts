import { getDepartmentTree, listDepartments, type Department, type DepartmentTreeNode } from '@hitsm/api';

export interface DepartmentRow {
  id: number;
  name: string;
  /** hospital, campus, department or ward. */
  kind: string;
  code: string;
  head: Department['head'];
  userCount: number;
  children: DepartmentRow[];
}

const PAGE_SIZE = 200; // the contract's maximum

/** Every department from the flat list (it carries head and user counts), page by page. */
export async function listAllDepartments(): Promise<Department[]> {
  const all: Department[] = [];
  for (let page = 1; ; page += 1) {
    const result = await listDepartments({ page, page_size: PAGE_SIZE });
    all.push(...result.results);
    if (!result.next || result.results.length === 0) return all;
  }
}

/** The tree gives the shape; the flat list adds code, head and user count to each node. */
export function mergeTree(tree: DepartmentTreeNode[], flat: Department[]): DepartmentRow[] {
  const details = new Map(flat.map((d) => [d.id, d]));
  const convert = (node: DepartmentTreeNode): DepartmentRow => {
    const detail = details.get(node.id);
    return {
      id: node.id,
      name: node.name,
      kind: node.kind,
      code: node.code || detail?.code || '',
      head: detail?.head ?? null,
      userCount: detail?.user_count ?? 0,
      children: (node.children ?? []).map(convert),
    };
  };
  return tree.map(convert);
}

export function countTree(rows: DepartmentRow[]): { campuses: number; departments: number; users: number } {
  const totals = { campuses: 0, departments: 0, users: 0 };
  const walk = (row: DepartmentRow): void => {
    if (row.kind === 'campus') totals.campuses += 1;
    else if (row.kind !== 'hospital') totals.departments += 1;
    totals.users += row.userCount;
    row.children.forEach(walk);
  };
  rows.forEach(walk);
  return totals;
}

export async function loadDepartmentRows(): Promise<DepartmentRow[]> {
  const [tree, flat] = await Promise.all([getDepartmentTree(), listAllDepartments()]);
  return mergeTree(tree, flat);
}
