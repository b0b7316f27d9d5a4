/** Dated exceptions of the working week: public holidays, make-up working days, a calendar's own days. */
import type { SlaDayKind } from '@hitsm/api';

export interface DayFields {
  date: string;
  kind: SlaDayKind;
  name: string;
}

/** 0 = Monday … 6 = Sunday (the server's weekday numbers) of a `YYYY-MM-DD` date. */
export function weekdayOf(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  const jsDay = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1)).getUTCDay();
  return (jsDay + 6) % 7;
}

/** Element Plus tag type per kind: a day off is neutral, an extra working day stands out. */
export function dayKindTag(kind: SlaDayKind): 'info' | 'warning' {
  return kind === 'workday' ? 'warning' : 'info';
}

/** Rows sorted by date. */
export function byDate<T extends { date: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.date.localeCompare(b.date));
}
