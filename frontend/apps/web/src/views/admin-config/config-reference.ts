/**
 * Reference data the desk configuration pages share: every support group, active or not (the
 * desk's own cache in composables/use-reference-data.ts holds only active ones).
 */
import { listAssignmentGroups, type AssignmentGroup } from '@hitsm/api';

import { resetReferenceData } from '@/composables/use-reference-data';

const PAGE_SIZE = 200; // the contract's maximum

export async function listEveryGroup(): Promise<AssignmentGroup[]> {
  const all: AssignmentGroup[] = [];
  for (let page = 1; ; page += 1) {
    const result = await listAssignmentGroups({ page, page_size: PAGE_SIZE, ordering: 'name' });
    all.push(...result.results);
    if (!result.next || result.results.length === 0) return all;
  }
}

export function namesById(items: readonly { id: number; name: string }[]): Map<number, string> {
  return new Map(items.map((item) => [item.id, item.name]));
}

/** After a change, the desk and the ticket forms read groups and categories afresh. */
export function configChanged(): void {
  resetReferenceData();
}
