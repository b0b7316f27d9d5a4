import { isApiError } from '@hitsm/api';
import { ref, type Ref } from 'vue';

import { splitItemErrors } from './attribute-form';

/**
 * A dialog's answer to a refused save: each field's message beside the field, and the server's
 * own sentence (which often names the cause, e.g. the two items holding the same value) on top.
 * Anything but a 400/409 goes on to the app's global handler.
 */
export function useDialogErrors(shown: readonly string[]): {
  errors: Ref<Record<string, string>>;
  summary: Ref<string>;
  clear: () => void;
  capture: (error: unknown) => void;
} {
  const errors = ref<Record<string, string>>({});
  const summary = ref('');

  function clear(): void {
    errors.value = {};
    summary.value = '';
  }

  function capture(error: unknown): void {
    if (!isApiError(error) || (error.status !== 400 && error.status !== 409)) throw error;
    const split = splitItemErrors(error.fields, shown, []);
    errors.value = split.common;
    summary.value = [error.message, ...split.other].join(' ');
  }

  return { errors, summary, clear, capture };
}
