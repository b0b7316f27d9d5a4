/**
 * A calendar's working hours per weekday, as the server stores them (hitsm/sla/calendar.py
 * `parse_hours`): weekday "0" (Monday) … "6" (Sunday) → `"08:00-12:00,13:00-17:00"`; an empty
 * text closes the day. A lunch break is the gap between two spans. The browser parses the same
 * way to draw the day and to send the canonical text; the server's (Chinese) messages remain
 * the word on what is wrong.
 */

export const WEEKDAYS = ['0', '1', '2', '3', '4', '5', '6'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type WeekHours = Record<Weekday, string>;

export const MINUTES_PER_DAY = 24 * 60;
/** The hospital's usual office day, offered as a one-click preset. */
export const STANDARD_DAY = '08:00-12:00,13:00-17:00';

export interface Span {
  /** Minutes after midnight. */
  start: number;
  end: number;
}

export type HoursProblem = 'format' | 'order' | 'overlap';

export interface ParsedHours {
  spans: Span[];
  problem: HoursProblem | null;
}

function minute(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const value = hours * 60 + minutes;
  return minutes < 60 && value <= MINUTES_PER_DAY ? value : null;
}

/** `"08:00-12:00，13:00-17:00"` → spans in time order; full-width comma and dash, `~` accepted. */
export function parseHours(text: string | null | undefined): ParsedHours {
  const spans: Span[] = [];
  const parts = (text ?? '')
    .replace(/\uFF0C/g, ',')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const part of parts) {
    const ends = part.replace(/\uFF0D/g, '-').replace(/~/g, '-').split('-');
    const start = ends.length === 2 ? minute(ends[0] ?? '') : null;
    const end = ends.length === 2 ? minute(ends[1] ?? '') : null;
    if (start === null || end === null) return { spans: [], problem: 'format' };
    spans.push({ start, end });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  if (spans.some((span) => span.end <= span.start)) return { spans, problem: 'order' };
  for (let index = 1; index < spans.length; index += 1) {
    if ((spans[index]?.start ?? 0) < (spans[index - 1]?.end ?? 0)) return { spans, problem: 'overlap' };
  }
  return { spans, problem: null };
}

export function formatMinute(value: number): string {
  const hours = Math.floor(value / 60);
  const minutes = value % 60;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

export function formatHours(spans: readonly Span[]): string {
  return spans.map((span) => `${formatMinute(span.start)}-${formatMinute(span.end)}`).join(',');
}

/** Open minutes of a day. */
export function openMinutes(spans: readonly Span[]): number {
  return spans.reduce((sum, span) => sum + (span.end - span.start), 0);
}

/** The breaks inside a day (e.g. lunch 12:00–13:00): gaps between consecutive spans. */
export function breaks(spans: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (let index = 1; index < spans.length; index += 1) {
    const before = spans[index - 1];
    const after = spans[index];
    if (before && after && after.start > before.end) out.push({ start: before.end, end: after.start });
  }
  return out;
}

/** All seven days, closed where the calendar says nothing. */
export function weekHours(hours: Readonly<Record<string, string>> | null | undefined): WeekHours {
  return Object.fromEntries(WEEKDAYS.map((day) => [day, hours?.[day] ?? ''])) as WeekHours;
}

/**
 * What is sent: each day in canonical form when it parses, otherwise as typed, so that the
 * server answers with its own message for that day.
 */
export function hoursPayload(week: Readonly<WeekHours>): Record<string, string> {
  return Object.fromEntries(
    WEEKDAYS.map((day) => {
      const text = week[day].trim();
      const parsed = parseHours(text);
      return [day, parsed.problem ? text : formatHours(parsed.spans)];
    }),
  );
}

/** Open minutes in a whole week (a quick sanity check shown beside the editor). */
export function weekOpenMinutes(week: Readonly<WeekHours>): number {
  return WEEKDAYS.reduce((sum, day) => sum + openMinutes(parseHours(week[day]).spans), 0);
}

/** Server errors `hours.<day>` → message per weekday. */
export function dayErrors(fields: Readonly<Record<string, readonly string[]>>): Partial<Record<Weekday, string>> {
  const out: Partial<Record<Weekday, string>> = {};
  for (const [key, messages] of Object.entries(fields)) {
    const match = /^hours\.([0-6])$/.exec(key);
    if (match) out[match[1] as Weekday] = messages.join(' ');
  }
  return out;
}

export interface DayRun {
  from: Weekday;
  to: Weekday;
  /** Canonical hours of the run; '' = closed. */
  hours: string;
}

/** Consecutive weekdays with the same hours, for a one-line summary ("Mon–Fri 08:00-12:00,…"). */
export function dayRuns(week: Readonly<WeekHours>): DayRun[] {
  const runs: DayRun[] = [];
  for (const day of WEEKDAYS) {
    const parsed = parseHours(week[day]);
    const hours = parsed.problem ? week[day].trim() : formatHours(parsed.spans);
    const last = runs[runs.length - 1];
    if (last && last.hours === hours) last.to = day;
    else runs.push({ from: day, to: day, hours });
  }
  return runs;
}
