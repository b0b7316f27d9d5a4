/**
 * SLA policies as the server applies them (hitsm/sla/selectors.py `sla_for`): active policies
 * are tried in `order` (then id); the first whose every condition holds *and* that has a target
 * for the ticket's priority decides the ticket's calendar, targets, pauses and escalations.
 * Empty conditions match anything, so a catch-all policy goes last.
 */
import type { SlaEscalation, SlaMetric, SlaPolicy, SlaTarget, TicketPriority } from '@hitsm/api';

export const PRIORITIES: readonly TicketPriority[] = [1, 2, 3, 4, 5];
/** Gap between orders when policies are renumbered, so one can be put in between by hand. */
export const ORDER_STEP = 10;

export function sortPolicies<T extends Pick<SlaPolicy, 'order' | 'id'>>(policies: readonly T[]): T[] {
  return [...policies].sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.id - b.id);
}

/** No condition at all: takes every ticket of a priority it has a target for. */
export function isCatchAll(policy: SlaPolicy): boolean {
  return !policy.kind && !(policy.priorities ?? []).length && !(policy.departments ?? []).length && !policy.clinical_critical_only;
}

export function targetPriorities(policy: Pick<SlaPolicy, 'targets'>): Set<number> {
  return new Set(policy.targets.map((target) => target.priority));
}

export interface PolicyStanding {
  /** 1-based place among the active policies, in the order they are tried; null when inactive. */
  rank: number | null;
  /** An earlier active catch-all with targets for every priority this one has: this one never applies. */
  shadowedBy: SlaPolicy | null;
}

export function policyStandings(policies: readonly SlaPolicy[]): Map<number, PolicyStanding> {
  const standings = new Map<number, PolicyStanding>();
  const catchAlls: SlaPolicy[] = [];
  let rank = 0;
  for (const policy of sortPolicies(policies)) {
    if (policy.is_active === false) {
      standings.set(policy.id, { rank: null, shadowedBy: null });
      continue;
    }
    rank += 1;
    const mine = [...targetPriorities(policy)];
    const shadowedBy = catchAlls.find((earlier) => mine.every((p) => targetPriorities(earlier).has(p))) ?? null;
    standings.set(policy.id, { rank, shadowedBy: mine.length ? shadowedBy : null });
    if (isCatchAll(policy)) catchAlls.push(policy);
  }
  return standings;
}

/**
 * Move a policy one place up (-1) or down (+1): the list is renumbered 10, 20, 30 … and only
 * the policies whose order changes are returned, to be saved.
 */
export function reorderChanges(policies: readonly SlaPolicy[], id: number, delta: -1 | 1): { id: number; order: number }[] {
  const sorted = sortPolicies(policies);
  const from = sorted.findIndex((policy) => policy.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= sorted.length) return [];
  const [moved] = sorted.splice(from, 1);
  sorted.splice(to, 0, moved as SlaPolicy);
  return sorted.flatMap((policy, index) => {
    const order = (index + 1) * ORDER_STEP;
    return policy.order === order ? [] : [{ id: policy.id, order }];
  });
}

/** Where a new policy goes by default: before the last one when that is a catch-all, else last. */
export function nextOrder(policies: readonly SlaPolicy[]): number {
  const sorted = sortPolicies(policies.filter((p) => p.is_active !== false));
  const last = sorted[sorted.length - 1];
  if (last && isCatchAll(last)) {
    const before = sorted[sorted.length - 2];
    const low = before?.order ?? 0;
    const high = last.order ?? 100;
    if (high - low > 1) return Math.floor((low + high) / 2);
  }
  const highest = Math.max(0, ...policies.map((policy) => policy.order ?? 0));
  return (Math.floor(highest / ORDER_STEP) + 1) * ORDER_STEP;
}

/** One row of the targets editor: every priority is listed; unchecked ones are not sent. */
export interface TargetRow {
  priority: TicketPriority;
  enabled: boolean;
  response_minutes: number;
  resolution_minutes: number;
}

/** The defaults the hospital starts from (hitsm/sla/selectors.py `DEFAULT_TARGETS`). */
export const DEFAULT_TARGETS: Readonly<Record<TicketPriority, [number, number]>> = {
  1: [15, 240],
  2: [30, 480],
  3: [60, 1440],
  4: [240, 4320],
  5: [480, 10080],
};

export function targetRows(targets: readonly Pick<SlaTarget, 'priority' | 'response_minutes' | 'resolution_minutes'>[] | null): TargetRow[] {
  return PRIORITIES.map((priority) => {
    const found = targets?.find((target) => target.priority === priority);
    const [response, resolution] = DEFAULT_TARGETS[priority];
    return {
      priority,
      enabled: targets === null ? true : Boolean(found),
      response_minutes: found?.response_minutes ?? response,
      resolution_minutes: found?.resolution_minutes ?? resolution,
    };
  });
}

export function targetsPayload(rows: readonly TargetRow[]): { priority: TicketPriority; response_minutes: number; resolution_minutes: number }[] {
  return rows
    .filter((row) => row.enabled)
    .map((row) => ({ priority: row.priority, response_minutes: row.response_minutes, resolution_minutes: row.resolution_minutes }));
}

/** Warning thresholds as the server wants them: whole percents 1–99, unique, ascending. */
export function warnPercents(values: readonly (number | string)[]): number[] {
  const numbers = values.map((value) => Number(String(value).replace(/[%\s]/g, ''))).filter((n) => Number.isInteger(n));
  return [...new Set(numbers)].sort((a, b) => a - b);
}

export function escalationsOf(escalations: readonly SlaEscalation[], metric: SlaMetric): SlaEscalation[] {
  return escalations.filter((e) => e.metric === metric).sort((a, b) => a.level - b.level);
}

/** The level a new escalation of a metric gets: one above the highest. */
export function nextLevel(escalations: readonly SlaEscalation[], metric: SlaMetric): number {
  return Math.max(0, ...escalationsOf(escalations, metric).map((e) => e.level)) + 1;
}

/**
 * When a level fires, in business minutes after the start, for a target: the earlier of its two
 * thresholds when both are set (hitsm/sla/selectors.py `Escalation.threshold_minutes`).
 */
export function escalationMinutes(escalation: Pick<SlaEscalation, 'at_percent' | 'after_minutes'>, targetMinutes: number): number | null {
  const candidates: number[] = [];
  if (escalation.at_percent !== null && escalation.at_percent !== undefined) candidates.push((targetMinutes * escalation.at_percent) / 100);
  if (escalation.after_minutes !== null && escalation.after_minutes !== undefined) candidates.push(escalation.after_minutes);
  return candidates.length ? Math.min(...candidates) : null;
}
