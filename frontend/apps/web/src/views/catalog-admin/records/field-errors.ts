import { isApiError, type FieldErrors } from '@hitsm/api';
import { ref, type Ref } from 'vue';

/**
 * The server's field errors for forms whose keys are dotted paths (`stakeholders.0.role`,
 * `schedule.mon.0`, `peaks.1.end`): kept whole, so each row and cell shows its own message.
 */

/** The messages of exactly `key`. */
export function errorAt(fields: FieldErrors, key: string): string {
  return (fields[key] ?? []).join(' ');
}

/** The messages of `prefix` and of every key below it (`schedule.mon` covers `schedule.mon.0`). */
export function errorUnder(fields: FieldErrors, prefix: string): string {
  return Object.entries(fields)
    .filter(([key]) => key === prefix || key.startsWith(`${prefix}.`))
    .flatMap(([, messages]) => messages)
    .join(' ');
}

/** Messages of keys no shown field claims (`shown`: prefixes the form displays). */
export function unclaimedErrors(fields: FieldErrors, shown: readonly string[]): string[] {
  return Object.entries(fields)
    .filter(([key]) => !shown.some((prefix) => key === prefix || key.startsWith(`${prefix}.`)))
    .flatMap(([key, messages]) => messages.map((message) => (key === 'non_field_errors' ? message : `${key}: ${message}`)));
}

/**
 * A form's answer to a refused save: `fields` for the inputs, and `summary` (the server's sentence
 * plus messages no input shows) for an alert on top. Other failures go on to the global handler.
 */
export function useFieldErrors(shown: readonly string[]): {
  fields: Ref<FieldErrors>;
  summary: Ref<string>;
  at: (key: string) => string;
  under: (prefix: string) => string;
  clear: () => void;
  capture: (error: unknown) => void;
} {
  const fields = ref<FieldErrors>({});
  const summary = ref('');

  function clear(): void {
    fields.value = {};
    summary.value = '';
  }

  function capture(error: unknown): void {
    if (!isApiError(error) || (error.status !== 400 && error.status !== 409)) throw error;
    fields.value = { ...error.fields };
    summary.value = [error.message, ...unclaimedErrors(error.fields, shown)].filter(Boolean).join(' ');
  }

  return {
    fields,
    summary,
    at: (key) => errorAt(fields.value, key),
    under: (prefix) => errorUnder(fields.value, prefix),
    clear,
    capture,
  };
}
