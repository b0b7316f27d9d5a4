/**
 * Routing rules as the server applies them (servicedesk/services.py `_route`): active rules are
 * tried in `order` (then id); the first whose every condition holds decides the support group.
 * An empty condition matches anything; category and department match their whole subtree;
 * keywords match when the title or description contains any of them (case-insensitive).
 */
import type { DepartmentTreeNode, RoutingRule, TicketKind } from '@hitsm/api';

/** Separators the server accepts between keywords: comma, full-width comma, enumeration comma. */
export const KEYWORD_SEPARATORS = /[,\uFF0C\u3001]/;
/** Gap between orders when rules are renumbered, so one can be put in between by hand. */
export const ORDER_STEP = 10;
const MAX_DEPTH = 20;

export function sortRules(rules: readonly RoutingRule[]): RoutingRule[] {
  return [...rules].sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.id - b.id);
}

export function parseKeywords(text: string | null | undefined): string[] {
  const words = (text ?? '').split(KEYWORD_SEPARATORS).map((word) => word.trim());
  return [...new Set(words.filter(Boolean))];
}

export function joinKeywords(words: readonly string[]): string {
  return parseKeywords(words.join(',')).join(',');
}

/** A rule without any condition takes every ticket that reaches it. */
export function isCatchAll(rule: RoutingRule): boolean {
  return !rule.kind && !rule.category && !rule.department && !rule.configuration_item && !parseKeywords(rule.keywords).length;
}

export interface RuleStanding {
  /** 1-based place among the active rules, in the order they are tried; null when inactive. */
  rank: number | null;
  /** An earlier active rule without conditions, which leaves this one nothing to match. */
  shadowedBy: RoutingRule | null;
}

export function ruleStandings(rules: readonly RoutingRule[]): Map<number, RuleStanding> {
  const standings = new Map<number, RuleStanding>();
  let rank = 0;
  let catchAll: RoutingRule | null = null;
  for (const rule of sortRules(rules)) {
    if (rule.is_active === false) {
      standings.set(rule.id, { rank: null, shadowedBy: null });
      continue;
    }
    rank += 1;
    standings.set(rule.id, { rank, shadowedBy: catchAll });
    if (!catchAll && isCatchAll(rule)) catchAll = rule;
  }
  return standings;
}

/** id → parent id, for matching a whole subtree. */
export type ParentMap = ReadonlyMap<number, number | null>;

export function departmentParents(tree: readonly DepartmentTreeNode[]): Map<number, number | null> {
  const parents = new Map<number, number | null>();
  const walk = (nodes: readonly DepartmentTreeNode[], parent: number | null): void =>
    nodes.forEach((node) => {
      parents.set(node.id, parent);
      walk(node.children ?? [], node.id);
    });
  walk(tree, null);
  return parents;
}

export function departmentNames(tree: readonly DepartmentTreeNode[]): Map<number, string> {
  const names = new Map<number, string>();
  const walk = (nodes: readonly DepartmentTreeNode[]): void =>
    nodes.forEach((node) => {
      names.set(node.id, node.name);
      walk(node.children ?? []);
    });
  walk(tree);
  return names;
}

export function within(parents: ParentMap, node: number | null, ancestor: number): boolean {
  let current: number | null | undefined = node;
  for (let depth = 0; current !== null && current !== undefined && depth < MAX_DEPTH; depth += 1) {
    if (current === ancestor) return true;
    current = parents.get(current);
  }
  return false;
}

/** A ticket as the rules see it, for the "which rule would win" preview. */
export interface RouteProbe {
  text: string;
  kind: TicketKind;
  category: number | null;
  department: number | null;
  configurationItems: readonly number[];
}

export function ruleMatches(
  rule: RoutingRule,
  probe: RouteProbe,
  parents: { categories: ParentMap; departments: ParentMap },
): boolean {
  if (rule.kind && rule.kind !== probe.kind) return false;
  if (rule.category && !within(parents.categories, probe.category, rule.category)) return false;
  if (rule.department && !within(parents.departments, probe.department, rule.department)) return false;
  if (rule.configuration_item && !probe.configurationItems.includes(rule.configuration_item)) return false;
  const words = parseKeywords(rule.keywords).map((word) => word.toLowerCase());
  const text = probe.text.toLowerCase();
  return !words.length || words.some((word) => text.includes(word));
}

export function firstMatch(
  rules: readonly RoutingRule[],
  probe: RouteProbe,
  parents: { categories: ParentMap; departments: ParentMap },
): RoutingRule | null {
  return sortRules(rules).find((rule) => rule.is_active !== false && ruleMatches(rule, probe, parents)) ?? null;
}

/**
 * Move a rule one place up (-1) or down (+1): the list is renumbered 10, 20, 30 … and only
 * the rules whose order changes are returned, to be saved.
 */
export function reorderChanges(rules: readonly RoutingRule[], id: number, delta: -1 | 1): { id: number; order: number }[] {
  const sorted = sortRules(rules);
  const from = sorted.findIndex((rule) => rule.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= sorted.length) return [];
  const [moved] = sorted.splice(from, 1);
  sorted.splice(to, 0, moved as RoutingRule);
  return sorted.flatMap((rule, index) => {
    const order = (index + 1) * ORDER_STEP;
    return rule.order === order ? [] : [{ id: rule.id, order }];
  });
}

/** Where a new rule goes by default: after every existing one. */
export function nextOrder(rules: readonly RoutingRule[]): number {
  const highest = Math.max(0, ...rules.map((rule) => rule.order ?? 0));
  return (Math.floor(highest / ORDER_STEP) + 1) * ORDER_STEP;
}
