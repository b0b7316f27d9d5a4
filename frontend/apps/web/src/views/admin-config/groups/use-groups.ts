import type { AssignmentGroup, GroupDistribution } from '@hitsm/api';

export const DISTRIBUTIONS: readonly GroupDistribution[] = ['manual', 'round_robin', 'least_loaded'];

export interface GroupFilters {
  search: string;
  active: '' | 'true' | 'false';
}

/** The groups page lists every group at once (a hospital has tens), filtered in the browser. */
export function filterGroups(groups: readonly AssignmentGroup[], filters: GroupFilters): AssignmentGroup[] {
  const needle = filters.search.trim().toLowerCase();
  return groups.filter((group) => {
    if (filters.active && String(group.is_active ?? true) !== filters.active) return false;
    if (!needle) return true;
    const haystack = [
      group.name,
      group.code,
      group.description ?? '',
      ...group.members.flatMap((m) => [m.display_name, m.username]),
    ];
    return haystack.some((text) => text.toLowerCase().includes(needle));
  });
}

/** Groups a group may escalate to: any other group (never itself). */
export function escalationTargets(groups: readonly AssignmentGroup[], self: number | null): AssignmentGroup[] {
  return groups.filter((group) => group.id !== self);
}
