import { hourOfDay } from '@hitsm/locales';

/** Locale key of the greeting for the hour in the hospital's time zone. */
export function greetingKey(now: Date = new Date()): string {
  const hour = hourOfDay(now);
  if (hour < 11) return 'home.greeting_morning';
  if (hour < 13) return 'home.greeting_noon';
  if (hour < 18) return 'home.greeting_afternoon';
  return 'home.greeting_evening';
}
