import type { AssignmentGroup, Category, RoutingRule } from '@hitsm/api';
import { describe, expect, it } from 'vitest';

import {
  buildCategoryRows,
  categoryOptions,
  categoryPath,
  countRows,
  descendantIds,
  parentChoices,
} from '@/views/admin-config/categories/use-categories';
import { escalationTargets, filterGroups, peopleInGroups, personLabel, unnamedManagers } from '@/views/admin-config/groups/use-groups';
import {
  departmentParents,
  firstMatch,
  isCatchAll,
  joinKeywords,
  nextOrder,
  parseKeywords,
  reorderChanges,
  ruleStandings,
  sortRules,
  type RouteProbe,
} from '@/views/admin-config/routing-rules/use-routing-rules';

const category = (id: number, name: string, parent: number | null = null, patch: Partial<Category> = {}): Category => ({
  id,
  name,
  code: `c${id}`,
  parent,
  kind: '',
  default_group: null,
  sort_order: 0,
  is_active: true,
  ...patch,
});

// 硬件 (1) › 打印机 (2) › 针式打印机 (4); 硬件 › 电脑 (3); 应用系统 (5, inactive) › HIS (6)
const CATEGORIES = [
  category(1, '硬件'),
  category(2, '打印机', 1, { default_group: 10 }),
  category(3, '电脑', 1),
  category(4, '针式打印机', 2),
  category(5, '应用系统', null, { is_active: false }),
  category(6, 'HIS', 5),
];

describe('category tree', () => {
  it('nests the flat list and carries each path', () => {
    const rows = buildCategoryRows(CATEGORIES, true);
    expect(rows.map((r) => r.name)).toEqual(['硬件', '应用系统']);
    expect(rows[0]?.children.map((r) => r.name)).toEqual(['打印机', '电脑']);
    expect(rows[0]?.children[0]?.children[0]?.path).toEqual(['硬件', '打印机', '针式打印机']);
    expect(countRows(rows)).toBe(6);
  });

  it('hides a deactivated category together with everything below it', () => {
    const rows = buildCategoryRows(CATEGORIES, false);
    expect(rows.map((r) => r.name)).toEqual(['硬件']);
    expect(countRows(rows)).toBe(4);
  });

  it('finds every descendant, for deactivating a branch', () => {
    expect(descendantIds(CATEGORIES, 1).sort()).toEqual([2, 3, 4]);
    expect(descendantIds(CATEGORIES, 4)).toEqual([]);
  });

  it('never offers a category, or anything below it, as its own parent', () => {
    const labels = (nodes: ReturnType<typeof parentChoices>): string[] =>
      nodes.flatMap((n) => [n.label, ...labels(n.children ?? [])]);
    expect(labels(parentChoices(CATEGORIES, 2))).toEqual(['硬件', '电脑']);
    expect(labels(parentChoices(CATEGORIES, null))).toEqual(['硬件', '打印机', '针式打印机', '电脑']);
  });

  it('offers only categories reachable through active parents, and keeps a chosen one by name', () => {
    const labels = (nodes: ReturnType<typeof categoryOptions>): string[] =>
      nodes.flatMap((n) => [n.label, ...labels(n.children ?? [])]);
    expect(labels(categoryOptions(CATEGORIES))).not.toContain('HIS');
    expect(labels(categoryOptions(CATEGORIES, { keep: 6 }))).toEqual(['硬件', '打印机', '针式打印机', '电脑', '应用系统 › HIS']);
    expect(labels(categoryOptions(CATEGORIES, { keep: 2 }))).toEqual(['硬件', '打印机', '针式打印机', '电脑']);
  });

  it('survives a loop in the data', () => {
    const loop = [category(1, 'A', 2), category(2, 'B', 1)];
    expect(descendantIds(loop, 1)).toEqual([2, 1]);
    expect(categoryPath(loop, 1).split(' › ').length).toBeLessThanOrEqual(21);
  });

  it('names a category by its path', () => {
    expect(categoryPath(CATEGORIES, 4)).toBe('硬件 › 打印机 › 针式打印机');
    expect(categoryPath(CATEGORIES, 99)).toBe('');
  });
});

const group = (id: number, name: string, patch: Partial<AssignmentGroup> = {}): AssignmentGroup => ({
  id,
  name,
  code: `g${id}`,
  description: '',
  distribution: 'manual',
  escalation_group: null,
  manager: null,
  members: [],
  is_active: true,
  ...patch,
});

describe('support groups', () => {
  const wang = { id: 5, username: 'engineer_wang', display_name: '王工' };
  const chen = { id: 7, username: 'agent_chen', display_name: '陈工' };
  const groups = [
    group(1, '桌面运维组', { members: [wang], manager: 5 }),
    group(2, '网络组', { is_active: false, description: '交换机与无线', manager: 7 }),
    group(3, '应用组'),
  ];

  it('are found by name, code, description, member or team lead', () => {
    const people = new Map([...peopleInGroups(groups), [chen.id, chen]]);
    expect(filterGroups(groups, { search: '王工', active: '' }).map((g) => g.id)).toEqual([1]);
    expect(filterGroups(groups, { search: '无线', active: '' }).map((g) => g.id)).toEqual([2]);
    expect(filterGroups(groups, { search: 'G1', active: '' }).map((g) => g.id)).toEqual([1]);
    expect(filterGroups(groups, { search: '', active: 'false' }).map((g) => g.id)).toEqual([2]);
    expect(filterGroups(groups, { search: '陈工', active: '' }, people).map((g) => g.id)).toEqual([2]);
  });

  it('escalate to another active group, keeping a deactivated one they already escalate to', () => {
    expect(escalationTargets(groups, 1).map((g) => g.id)).toEqual([3]);
    expect(escalationTargets(groups, null).map((g) => g.id)).toEqual([1, 3]);
    expect(escalationTargets(groups, 1, 2).map((g) => g.id)).toEqual([2, 3]);
  });

  it('name team leads from the member lists and look up only those who are no member', () => {
    const people = peopleInGroups(groups);
    expect([...people.keys()]).toEqual([5]);
    expect(unnamedManagers(groups, people)).toEqual([7]);
    expect(personLabel(wang)).toBe('王工');
    expect(personLabel({ display_name: '', username: 'agent_chen' })).toBe('agent_chen');
  });
});

const rule = (id: number, patch: Partial<RoutingRule> = {}): RoutingRule => ({
  id,
  name: `规则${id}`,
  order: 100,
  is_active: true,
  kind: '',
  category: null,
  department: null,
  configuration_item: null,
  keywords: '',
  target_group: 10,
  auto_assign: false,
  ...patch,
});

const parents = {
  categories: new Map(CATEGORIES.map((c) => [c.id, c.parent ?? null])),
  departments: departmentParents([
    { id: 100, name: '总院区', code: 'HQ', kind: 'campus', children: [{ id: 101, name: '门诊部', code: 'MZ', kind: 'department', children: [] }] },
  ] as never),
};
const probe = (patch: Partial<RouteProbe> = {}): RouteProbe => ({
  text: '门诊3楼打印机卡纸',
  kind: 'incident',
  category: null,
  department: null,
  configurationItems: [],
  ...patch,
});

describe('routing rules', () => {
  it('split keywords the way the server does', () => {
    expect(parseKeywords('打印机, 卡纸，硒鼓、 ,打印机')).toEqual(['打印机', '卡纸', '硒鼓']);
    expect(joinKeywords(['打印机', ' 卡纸 ', '', '打印机'])).toBe('打印机,卡纸');
  });

  it('are tried by order, then by age', () => {
    const rules = [rule(3, { order: 20 }), rule(1, { order: 20 }), rule(2, { order: 10 })];
    expect(sortRules(rules).map((r) => r.id)).toEqual([2, 1, 3]);
  });

  it('let the first matching active rule win', () => {
    const rules = [
      rule(1, { order: 10, keywords: 'HIS', target_group: 11 }),
      rule(2, { order: 20, keywords: '打印机', is_active: false, target_group: 12 }),
      rule(3, { order: 30, keywords: '卡纸,硒鼓', target_group: 13 }),
      rule(4, { order: 40, target_group: 14 }),
    ];
    expect(firstMatch(rules, probe(), parents)?.id).toBe(3);
    expect(firstMatch(rules, probe({ text: '登录 his 很慢' }), parents)?.id).toBe(1);
    expect(firstMatch(rules, probe({ text: '电脑蓝屏' }), parents)?.id).toBe(4);
  });

  it('match a category or department with everything below it, and require every condition', () => {
    const printers = rule(1, { category: 2, department: 100, kind: 'incident' });
    expect(firstMatch([printers], probe({ category: 4, department: 101 }), parents)?.id).toBe(1);
    expect(firstMatch([printers], probe({ category: 3, department: 101 }), parents)).toBeNull();
    expect(firstMatch([printers], probe({ category: 4, department: null }), parents)).toBeNull();
    expect(firstMatch([printers], probe({ category: 4, department: 101, kind: 'request' }), parents)).toBeNull();
    expect(firstMatch([rule(2, { configuration_item: 7 })], probe({ configurationItems: [7] }), parents)?.id).toBe(2);
    expect(firstMatch([rule(2, { configuration_item: 7 })], probe(), parents)).toBeNull();
  });

  it('rank the active rules and point out those a catch-all rule hides', () => {
    const rules = [rule(1, { order: 10, keywords: '打印机' }), rule(2, { order: 20, is_active: false }), rule(3, { order: 30 }), rule(4, { order: 40, keywords: 'HIS' })];
    expect(isCatchAll(rules[2] as RoutingRule)).toBe(true);
    const standings = ruleStandings(rules);
    expect([1, 2, 3, 4].map((id) => standings.get(id)?.rank ?? null)).toEqual([1, null, 2, 3]);
    expect(standings.get(3)?.shadowedBy).toBeNull();
    expect(standings.get(4)?.shadowedBy?.id).toBe(3);
  });

  it('renumber on a move and save only the rules whose order changed', () => {
    const rules = [rule(1, { order: 10 }), rule(2, { order: 20 }), rule(3, { order: 30 })];
    expect(reorderChanges(rules, 3, -1)).toEqual([
      { id: 3, order: 20 },
      { id: 2, order: 30 },
    ]);
    expect(reorderChanges(rules, 1, -1)).toEqual([]);
    expect(reorderChanges(rules, 3, 1)).toEqual([]);
    // Rules that all kept the default order get spread out once.
    const same = [rule(1), rule(2), rule(3)];
    expect(reorderChanges(same, 1, 1)).toEqual([
      { id: 2, order: 10 },
      { id: 1, order: 20 },
      { id: 3, order: 30 },
    ]);
  });

  it('put a new rule after the existing ones', () => {
    expect(nextOrder([])).toBe(10);
    expect(nextOrder([rule(1, { order: 100 }), rule(2, { order: 35 })])).toBe(110);
  });
});
