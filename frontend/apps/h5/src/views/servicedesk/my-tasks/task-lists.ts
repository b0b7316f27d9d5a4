import { isDeskStaff, listTickets, slaState, type Me, type SlaLevel, type TicketListItem, type TicketQuery } from '@hitsm/api';

/**
 * My tasks: an engineer's open work on the phone. `mine` = assigned to me; `unassigned` = my
 * groups' tickets nobody has taken yet; `intake` = new tickets waiting for the desk (agents and
 * managers only: engineers may not accept).
 */
export type TaskSection = 'mine' | 'unassigned' | 'intake';

/** One screenful of tasks is what a phone is for; the desk on a computer has the rest. */
export const TASK_PAGE_SIZE = 100;

export function taskSections(me: Pick<Me, 'roles' | 'is_superuser'> | null | undefined): TaskSection[] {
  return isDeskStaff(me) ? ['mine', 'unassigned', 'intake'] : ['mine', 'unassigned'];
}

export function isTaskSection(value: unknown): value is TaskSection {
  return value === 'mine' || value === 'unassigned' || value === 'intake';
}

/** The server's queues (servicedesk/selectors.py `queue_filter`), scoped to the signed-in user. */
export function sectionQuery(section: TaskSection): TicketQuery {
  if (section === 'unassigned') return { queue: 'my_groups', unassigned: true, ordering: 'resolution_due_at', page_size: TASK_PAGE_SIZE };
  return { queue: section === 'mine' ? 'mine' : 'intake', ordering: 'resolution_due_at', page_size: TASK_PAGE_SIZE };
}

const LEVEL_RANK: Record<SlaLevel, number> = { breached: 0, warning: 1, ok: 2, none: 3, done: 4 };

function dueTime(row: TicketListItem, now: Date): number {
  const due = slaState(row, now).due;
  return due ? new Date(due).getTime() : Number.POSITIVE_INFINITY;
}

/** Overdue first, then nearly due, then by priority (P1 first) and the nearest deadline. */
export function byUrgency(rows: readonly TicketListItem[], now: Date = new Date()): TicketListItem[] {
  const keyed = rows.map((row) => ({ row, level: LEVEL_RANK[slaState(row, now).level], due: dueTime(row, now) }));
  keyed.sort(
    (a, b) =>
      a.level - b.level ||
      (a.row.priority ?? 3) - (b.row.priority ?? 3) ||
      a.due - b.due ||
      a.row.created_at.localeCompare(b.row.created_at),
  );
  return keyed.map((item) => item.row);
}

/** The rows a section shows, most urgent first (the server picked them: `unassigned=true`). */
export function sectionRows(section: TaskSection, rows: readonly TicketListItem[], now: Date = new Date()): TicketListItem[] {
  return byUrgency(rows, now);
}

export interface TaskList {
  rows: TicketListItem[];
  /** The queue holds more than one page: the list is not complete. */
  truncated: boolean;
}

export async function loadSection(section: TaskSection, now: Date = new Date()): Promise<TaskList> {
  const page = await listTickets(sectionQuery(section));
  return { rows: sectionRows(section, page.results, now), truncated: page.count > page.results.length };
}
