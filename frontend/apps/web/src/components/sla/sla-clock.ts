/**
 * How a ticket's SLA clocks are shown (the numbers come from `GET tickets/{id}/sla/`, computed by
 * the server from the ticket's timeline at the moment of the read, together with the covering
 * policy's name and warning thresholds; see hitsm/servicedesk/clocks.py):
 *
 * - colour: green while under the first warning threshold of the policy, amber from it, red once
 *   the target is exceeded (strictly over 100 %); a paused clock is shown as paused unless it is
 *   already breached; a stopped clock says met or cancelled;
 * - business minutes are written in hours and minutes (never days: a business day is not 24 h);
 * - the running/paused stretches are laid out on a wall-clock bar from the ticket's creation.
 */
import type { SlaMetric, SlaNotice, SlaSegment } from '@hitsm/api';

// Levels and thresholds are shared with the H5 app (packages/api/src/sla-rules.ts).
export { DEFAULT_WARN_PERCENT, barPercent, clockLevel, warnThreshold, type ClockLevel } from '@hitsm/api';

export interface Duration {
  /** Locale key under `sla.duration`. */
  key: 'under_minute' | 'minutes' | 'hours' | 'hours_minutes';
  h: number;
  m: number;
}

/** Business minutes as hours and whole minutes, rounded down to the minute (0.4 → under a minute). */
export function durationParts(minutes: number): Duration {
  const total = Math.max(0, Math.floor(minutes + 1e-9));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (total === 0) return { key: minutes > 0 ? 'under_minute' : 'minutes', h: 0, m: 0 };
  if (h === 0) return { key: 'minutes', h, m };
  return { key: m === 0 ? 'hours' : 'hours_minutes', h, m };
}

/** `75` → `75%` (or the locale's way of writing it). */
export function formatPercent(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
}

/** Response first, then resolution. */
export function sortClocks<T extends { metric: SlaMetric }>(clocks: readonly T[]): T[] {
  const rank: Record<SlaMetric, number> = { response: 0, resolution: 1 };
  return [...clocks].sort((a, b) => rank[a.metric] - rank[b.metric]);
}

export function noticesOf(notices: readonly SlaNotice[], metric: SlaMetric): SlaNotice[] {
  return notices
    .filter((n) => n.metric === metric)
    .sort((a, b) => new Date(a.fired_at).getTime() - new Date(b.fired_at).getTime());
}

export interface SegmentBox {
  state: SlaSegment['state'];
  status: string;
  start: string;
  end: string | null;
  /** Position on the bar, in percent of its width. */
  left: number;
  width: number;
}

/** Narrowest box drawn, so a short pause stays visible. */
const MIN_WIDTH = 0.8;

/**
 * A metric's running/paused stretches on one wall-clock bar, from its first start to the end of
 * its last stretch (or `now` while one is open). Gaps are times the clock did not run at all
 * (e.g. resolved before a reopen).
 */
export function segmentBoxes(segments: readonly SlaSegment[], metric: SlaMetric, now: Date): SegmentBox[] {
  const mine = segments.filter((s) => s.metric === metric);
  if (!mine.length) return [];
  const time = (value: string | null) => (value ? new Date(value).getTime() : now.getTime());
  const from = Math.min(...mine.map((s) => time(s.start)));
  const to = Math.max(...mine.map((s) => time(s.end)), from + 1);
  const span = to - from;
  return mine.map((s) => {
    const left = ((time(s.start) - from) / span) * 100;
    const width = Math.max(MIN_WIDTH, ((time(s.end) - time(s.start)) / span) * 100);
    return { state: s.state, status: s.status, start: s.start, end: s.end, left: Math.min(left, 100 - MIN_WIDTH), width };
  });
}
