/** Date display shared by both apps: `YYYY-MM-DD HH:mm`, 24-hour, Asia/Shanghai by default. */
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import relativeTime from 'dayjs/plugin/relativeTime';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

import type { UiLocale } from './locale';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(relativeTime);

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
export const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:mm';
export const DATE_FORMAT = 'YYYY-MM-DD';

export type DateInput = string | number | Date | null | undefined;

function parse(value: DateInput): dayjs.Dayjs | null {
  if (value === null || value === undefined || value === '') return null;
  const parsed = dayjs(value);
  return parsed.isValid() ? parsed : null;
}

/** `2026-02-23 08:00`; an empty string for a missing or invalid value. */
export function formatDateTime(value: DateInput, timeZone: string = DEFAULT_TIME_ZONE): string {
  return parse(value)?.tz(timeZone).format(DATE_TIME_FORMAT) ?? '';
}

/** `2026-02-23`; an empty string for a missing or invalid value. */
export function formatDate(value: DateInput, timeZone: string = DEFAULT_TIME_ZONE): string {
  return parse(value)?.tz(timeZone).format(DATE_FORMAT) ?? '';
}

/** `3 分钟前` / `3 minutes ago`, relative to `now`. */
export function fromNow(value: DateInput, locale: UiLocale, now: DateInput = new Date()): string {
  const parsed = parse(value);
  const reference = parse(now);
  if (!parsed || !reference) return '';
  return parsed.locale(locale === 'en' ? 'en' : 'zh-cn').from(reference);
}

/**
 * `3 分钟前` for something that already happened. A server clock a little ahead of the browser's
 * would otherwise say `几秒内` ("in a few seconds") about an event that just took place.
 */
export function ago(value: DateInput, locale: UiLocale, now: DateInput = new Date()): string {
  const parsed = parse(value);
  const reference = parse(now);
  if (!parsed || !reference) return '';
  return fromNow(parsed.isAfter(reference) ? reference.toDate() : value, locale, reference.toDate());
}

/** Whole seconds between two instants (for job durations); null when either is missing. */
export function secondsBetween(start: DateInput, end: DateInput): number | null {
  const a = parse(start);
  const b = parse(end);
  if (!a || !b) return null;
  return Math.max(0, b.diff(a, 'second'));
}

/** The hour of the day (0–23) in the hospital's time zone, for greetings. */
export function hourOfDay(now: DateInput = new Date(), timeZone: string = DEFAULT_TIME_ZONE): number {
  return parse(now)?.tz(timeZone).hour() ?? 0;
}

/** Locale key of the greeting for the hour in the hospital's time zone (`home.greeting_*`). */
export function greetingKey(now: DateInput = new Date()): string {
  const hour = hourOfDay(now);
  if (hour < 11) return 'home.greeting_morning';
  if (hour < 13) return 'home.greeting_noon';
  if (hour < 18) return 'home.greeting_afternoon';
  return 'home.greeting_evening';
}
