/**
 * Pure helpers of the catalog item administration: the menu category tree and its order, the
 * item editor's form and request body, which editor tab a server error belongs to.
 */
import type {
  CatalogAdminCategory,
  CatalogAdminItem,
  CatalogAdminItemRequest,
  CatalogImpact,
  CatalogItemRole,
  CatalogLinkedCi,
  CatalogUrgency,
  FieldErrors,
  SlaPolicy,
} from '@hitsm/api';

export const ITEM_ROLES: readonly CatalogItemRole[] = ['requester', 'agent', 'engineer', 'sysadmin', 'manager', 'admin'];
export const LEVELS = [1, 2, 3] as const;

/** The OBASHI layers an item links to, each with its one CI class (hitsm/cmdb/reference.py). */
export const ITEM_LAYERS = [
  { layer: 'business', classCode: 'business_activity' },
  { layer: 'data', classCode: 'business_data' },
  { layer: 'application', classCode: 'application' },
] as const;
export type ItemLayer = (typeof ITEM_LAYERS)[number]['layer'];

// --- categories -------------------------------------------------------------------------------

export interface CategoryNode {
  id: number;
  label: string;
  category: CatalogAdminCategory;
  children: CategoryNode[];
}

function byOrder(a: { sort_order?: number; id: number }, b: { sort_order?: number; id: number }): number {
  return (a.sort_order ?? 100) - (b.sort_order ?? 100) || a.id - b.id;
}

/** The categories as a tree in menu order; inactive ones (and what is below them) only on request. */
export function categoryTree(categories: readonly CatalogAdminCategory[], showInactive = true): CategoryNode[] {
  const shown = categories.filter((c) => showInactive || c.is_active !== false);
  const nodes = new Map(shown.map((c) => [c.id, { id: c.id, label: c.name, category: c, children: [] as CategoryNode[] }]));
  const roots: CategoryNode[] = [];
  for (const category of [...shown].sort(byOrder)) {
    const node = nodes.get(category.id) as CategoryNode;
    const parent = category.parent ? nodes.get(category.parent) : undefined;
    if (parent) parent.children.push(node);
    else if (!category.parent || !categories.some((c) => c.id === category.parent)) roots.push(node);
    // a child of a hidden (inactive) parent stays hidden with it
  }
  return roots;
}

export function descendantIds(categories: readonly CatalogAdminCategory[], id: number): number[] {
  const out: number[] = [];
  const walk = (parent: number): void => {
    for (const child of categories.filter((c) => c.parent === parent)) {
      out.push(child.id);
      walk(child.id);
    }
  };
  walk(id);
  return out;
}

/** Where a category may move: anywhere but itself and below itself. */
export function parentChoices(categories: readonly CatalogAdminCategory[], self: number | null): CategoryNode[] {
  const banned = new Set(self ? [self, ...descendantIds(categories, self)] : []);
  return categoryTree(categories.filter((c) => !banned.has(c.id)));
}

/** A category with its ancestors, `Accounts › Outpatients`. */
export function categoryPath(categories: readonly CatalogAdminCategory[], id: number | null | undefined): string {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const names: string[] = [];
  const seen = new Set<number>();
  for (let current = id ? byId.get(id) : undefined; current && !seen.has(current.id); current = current.parent ? byId.get(current.parent) : undefined) {
    seen.add(current.id);
    names.unshift(current.name);
  }
  return names.join(' › ');
}

/**
 * Move one row up (-1) or down (+1) among its siblings: the new order numbered 10, 20, 30 …,
 * returning only the rows whose `sort_order` changes (one PATCH each).
 */
export function reorderChanges<T extends { id: number; sort_order?: number }>(
  siblings: readonly T[],
  id: number,
  delta: -1 | 1,
): { id: number; sort_order: number }[] {
  const ordered = [...siblings].sort(byOrder);
  const index = ordered.findIndex((row) => row.id === id);
  const target = index + delta;
  if (index < 0 || target < 0 || target >= ordered.length) return [];
  const moved = ordered.slice();
  [moved[index], moved[target]] = [moved[target] as T, moved[index] as T];
  return moved
    .map((row, i) => ({ id: row.id, sort_order: (i + 1) * 10, before: row.sort_order ?? 100 }))
    .filter((row) => row.sort_order !== row.before)
    .map(({ id: rowId, sort_order }) => ({ id: rowId, sort_order }));
}

export function siblingsOf(categories: readonly CatalogAdminCategory[], parent: number | null | undefined): CatalogAdminCategory[] {
  return categories.filter((c) => (c.parent ?? null) === (parent ?? null)).sort(byOrder);
}

// --- items ------------------------------------------------------------------------------------

export interface ItemForm {
  code: string;
  name: string;
  description: string;
  keywords: string;
  kind: 'request' | 'incident';
  icon: string;
  category: number | null;
  sort_order: number;
  is_active: boolean;
  approval_required: boolean;
  departments: number[];
  roles: CatalogItemRole[];
  form: number | null;
  ticket_category: number | null;
  default_impact: CatalogImpact;
  default_urgency: CatalogUrgency;
  assignment_group: number | null;
  /** Chosen CIs per layer; saved together as `configuration_items`. */
  cis: Record<ItemLayer, number[]>;
}

/** The linked CIs by layer (CIs of other layers, which the server refuses, are left out). */
export function cisByLayer(linked: readonly CatalogLinkedCi[]): Record<ItemLayer, CatalogLinkedCi[]> {
  const out: Record<ItemLayer, CatalogLinkedCi[]> = { business: [], data: [], application: [] };
  for (const ci of linked) if (ci.layer in out) out[ci.layer as ItemLayer].push(ci);
  return out;
}

export function itemForm(item: CatalogAdminItem | null, category: number | null = null): ItemForm {
  const layers = cisByLayer(item?.linked_cis ?? []);
  return {
    code: item?.code ?? '',
    name: item?.name ?? '',
    description: item?.description ?? '',
    keywords: item?.keywords ?? '',
    kind: item?.kind ?? 'request',
    icon: item?.icon ?? '',
    category: item?.category ?? category,
    sort_order: item?.sort_order ?? 100,
    is_active: item?.is_active ?? true,
    approval_required: item?.approval_required ?? false,
    departments: [...(item?.departments ?? [])],
    roles: [...(item?.roles ?? [])],
    form: item?.form ?? null,
    ticket_category: item?.ticket_category ?? null,
    default_impact: item?.default_impact ?? 3,
    default_urgency: item?.default_urgency ?? 2,
    assignment_group: item?.assignment_group ?? null,
    cis: {
      business: layers.business.map((ci) => ci.id),
      data: layers.data.map((ci) => ci.id),
      application: layers.application.map((ci) => ci.id),
    },
  };
}

export function itemPayload(form: ItemForm): CatalogAdminItemRequest {
  return {
    code: form.code.trim(),
    name: form.name.trim(),
    description: form.description.trim(),
    keywords: form.keywords.trim().replace(/\s+/g, ' '),
    kind: form.kind,
    icon: form.icon,
    category: form.category as number,
    sort_order: form.sort_order ?? 100,
    is_active: form.is_active,
    approval_required: form.approval_required,
    departments: form.departments,
    roles: form.roles,
    form: form.form ?? null,
    ticket_category: form.ticket_category ?? null,
    default_impact: form.default_impact,
    default_urgency: form.default_urgency,
    assignment_group: form.assignment_group ?? null,
    configuration_items: [...form.cis.business, ...form.cis.data, ...form.cis.application],
  };
}

/** The editor's tabs and the request fields each one shows. */
export const ITEM_TABS = {
  basic: ['code', 'name', 'description', 'keywords', 'kind', 'icon', 'category', 'sort_order', 'is_active', 'approval_required'],
  visibility: ['departments', 'roles'],
  handling: ['form', 'ticket_category', 'default_impact', 'default_urgency', 'assignment_group'],
  obashi: ['configuration_items'],
} as const;
export type ItemTab = keyof typeof ITEM_TABS | 'sla' | 'records';
export const ITEM_FIELDS: readonly string[] = Object.values(ITEM_TABS).flat();

/** The tabs holding a field the server refused (`departments.0` belongs to `departments`). */
export function tabsWithErrors(fields: FieldErrors): Set<ItemTab> {
  const out = new Set<ItemTab>();
  for (const key of Object.keys(fields)) {
    const base = key.split('.')[0] ?? key;
    for (const [tab, names] of Object.entries(ITEM_TABS)) {
      if ((names as readonly string[]).includes(base)) out.add(tab as ItemTab);
    }
  }
  return out;
}

/** The SLA policies naming this item, in the order the server tries them. */
export function policiesForItem(policies: readonly SlaPolicy[], itemId: number): SlaPolicy[] {
  return policies
    .filter((policy) => (policy.catalog_items ?? []).includes(itemId))
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.id - b.id);
}

/** Case-insensitive match of an item on name, code, keywords or description. */
export function itemMatches(item: CatalogAdminItem, query: string): boolean {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const text = [item.name, item.code, item.keywords, item.description].join(' ').toLowerCase();
  return words.every((word) => text.includes(word));
}
