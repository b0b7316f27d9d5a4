/**
 * How a ticket's SLA clocks read, shared by both apps. The numbers come from
 * `GET tickets/{id}/sla/` (hitsm/servicedesk/api/sla_views.py), computed by the server from the
 * ticket's timeline at the moment of the read, with the covering policy's warning thresholds:
 *
 * - green while under the first warning threshold, amber from it, red once the target is
 *   exceeded (strictly over 100 %); a paused clock reads as paused unless already breached; a
 *   stopped clock says met or cancelled (docs/sla.md, "The clock on a ticket");
 * - IT staff see every number (web: `components/sla`); a requester sees the promise instead
 *   ({@link requesterClocks}): "expected before …", a bar, and whether it is on time.
 */
import type { SlaClock, SlaMetric, SlaNotice, TicketSla } from './sla';
import type { TicketDetail } from './types';

export type ClockLevel = 'ok' | 'warning' | 'breached' | 'paused' | 'met' | 'cancelled';

/** Amber from this share when the policy's own thresholds are not known (or it has none). */
export const DEFAULT_WARN_PERCENT = 75;

/**
 * The first warning threshold (percent) of the policy behind a clock: the policy's own (the
 * `warn_percents` that come with the ticket's clocks) when it has any, otherwise the lowest
 * warning that already fired, otherwise the default.
 */
export function warnThreshold(
  warnPercents: readonly number[] | null | undefined,
  notices: readonly SlaNotice[] = [],
  metric?: SlaMetric,
): number {
  const own = (warnPercents ?? []).filter((p) => p > 0 && p < 100);
  if (own.length) return Math.min(...own);
  const fired = notices.filter((n) => n.kind === 'warning' && (!metric || n.metric === metric) && (n.level ?? 0) > 0);
  if (fired.length) return Math.min(...fired.map((n) => n.level ?? DEFAULT_WARN_PERCENT));
  return DEFAULT_WARN_PERCENT;
}

export function clockLevel(
  clock: Pick<SlaClock, 'state' | 'percent' | 'breached_at'>,
  warnAt: number = DEFAULT_WARN_PERCENT,
  notices: readonly SlaNotice[] = [],
  metric?: SlaMetric,
): ClockLevel {
  if (clock.state === 'cancelled') return 'cancelled';
  if (clock.state === 'breached' || clock.breached_at || clock.percent > 100) return 'breached';
  if (clock.state === 'met') return 'met';
  if (clock.state === 'paused') return 'paused';
  const warned = notices.some((n) => n.kind === 'warning' && (!metric || n.metric === metric));
  return clock.percent >= warnAt || warned ? 'warning' : 'ok';
}

/** The bar never draws past its track; a breached clock fills it. */
export function barPercent(percent: number): number {
  if (!Number.isFinite(percent) || percent < 0) return 0;
  return Math.min(100, Math.round(percent * 10) / 10);
}

// --- the requester's view ----------------------------------------------------------------------

/**
 * What a requester reads of one clock: on track (ok), due soon (warning), overdue (breached,
 * still open), paused, and once stopped on time (met) or late.
 */
export type RequesterClockState = 'ok' | 'warning' | 'breached' | 'paused' | 'met' | 'late';

export interface RequesterClock {
  metric: SlaMetric;
  state: RequesterClockState;
  /** The promised time while the clock runs ("expected before …"); null while paused or stopped. */
  due: string | null;
  /** When the ticket was accepted (response) or resolved (resolution); null while open. */
  doneAt: string | null;
  /** Share of the target used, for the bar (0–100). */
  percent: number;
  /** Paused because the engineer waits for the requester: their reply restarts the clock. */
  waitingForYou: boolean;
  /** Paused for another reason (`vendor`, `change`, `other`): "paused (waiting for the vendor)". */
  pausedFor: string | null;
}

const METRIC_ORDER: Record<SlaMetric, number> = { response: 0, resolution: 1 };

/**
 * The requester's clocks, response first: nothing for a cancelled ticket or a cancelled clock,
 * and none of the escalation detail IT staff see (notices, policy, calendar, timeline).
 */
export function requesterClocks(sla: TicketSla | null | undefined, ticket: Pick<TicketDetail, 'status' | 'pending_reason'>): RequesterClock[] {
  if (!sla || ticket.status === 'cancelled') return [];
  const waitingFor = ticket.status === 'pending' ? ticket.pending_reason || 'other' : null;
  return [...sla.clocks]
    .sort((a, b) => METRIC_ORDER[a.metric] - METRIC_ORDER[b.metric])
    .flatMap((clock): RequesterClock[] => {
      const warnAt = warnThreshold(sla.warn_percents, sla.notices, clock.metric);
      const level = clockLevel(clock, warnAt, sla.notices, clock.metric);
      if (level === 'cancelled') return [];
      const stopped = Boolean(clock.stopped_at) || level === 'met';
      const paused = clock.state === 'paused';
      let state: RequesterClockState;
      if (level === 'met') state = 'met';
      else if (level === 'breached') state = stopped ? 'late' : 'breached';
      else state = level;
      return [
        {
          metric: clock.metric,
          state,
          due: !stopped && !paused ? (clock.due_at ?? null) : null,
          doneAt: stopped ? (clock.stopped_at ?? null) : null,
          percent: barPercent(clock.percent),
          waitingForYou: paused && waitingFor === 'requester',
          pausedFor: paused && waitingFor !== 'requester' ? waitingFor : null,
        },
      ];
    });
}
