import type { AssignmentGroup, GroupDistribution, UserBrief } from '@hitsm/api';

export const DISTRIBUTIONS: readonly GroupDistribution[] = ['manual', 'round_robin', 'least_loaded'];

export interface GroupFilters {
  search: string;
  active: '' | 'true' | 'false';
}

/**
 * The groups page lists every group at once (a hospital has tens), filtered in the browser.
 * `people` names the team lead (`manager`) of each group, so a search for a lead finds the group.
 */
export function filterGroups(
  groups: readonly AssignmentGroup[],
  filters: GroupFilters,
  people: ReadonlyMap<number, UserBrief> = new Map(),
): AssignmentGroup[] {
  const needle = filters.search.trim().toLowerCase();
  return groups.filter((group) => {
    if (filters.active && String(group.is_active ?? true) !== filters.active) return false;
    if (!needle) return true;
    const lead = group.manager ? people.get(group.manager) : undefined;
    const haystack = [
      group.name,
      group.code,
      group.description ?? '',
      ...group.members.flatMap((m) => [m.display_name, m.username]),
      ...(lead ? [lead.display_name, lead.username] : []),
    ];
    return haystack.some((text) => text.toLowerCase().includes(needle));
  });
}

/**
 * Groups a group may escalate to: any other active group, and the one it escalates to now even
 * if that has been deactivated since (so that the form shows it rather than a bare number).
 */
export function escalationTargets(groups: readonly AssignmentGroup[], self: number | null, current: number | null = null): AssignmentGroup[] {
  return groups.filter((group) => group.id !== self && (group.is_active !== false || group.id === current));
}

/** Everyone the groups' member lists name, by id (a team lead is usually a member). */
export function peopleInGroups(groups: readonly AssignmentGroup[]): Map<number, UserBrief> {
  return new Map(groups.flatMap((group) => group.members.map((member) => [member.id, member] as const)));
}

/** Team leads no member list names: their names are looked up one by one. */
export function unnamedManagers(groups: readonly AssignmentGroup[], people: ReadonlyMap<number, UserBrief>): number[] {
  return [...new Set(groups.map((group) => group.manager).filter((id): id is number => typeof id === 'number' && !people.has(id)))];
}

export function personLabel(person: Pick<UserBrief, 'display_name' | 'username'>): string {
  return person.display_name || person.username;
}
