import { isApiError, type FieldErrors } from '@hitsm/api';
import { ElMessage } from 'element-plus';
import { ref, type Ref } from 'vue';

export interface SplitErrors {
  /** First message per form field, for `el-form-item :error`. */
  inline: Record<string, string>;
  /** Messages about fields the form does not show (or `non_field_errors`). */
  other: string[];
}

/**
 * Sort the server's field errors into those a form can show beside a field and the rest.
 * Keys such as `member_ids.0` belong to `member_ids`; `aliases` maps a serializer name to the
 * form's field (e.g. `member_ids` → `members`).
 */
export function splitFieldErrors(
  fields: FieldErrors,
  shown: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): SplitErrors {
  const inline: Record<string, string> = {};
  const other: string[] = [];
  for (const [key, messages] of Object.entries(fields)) {
    const base = key.split('.')[0] ?? key;
    const field = aliases[base] ?? base;
    const text = messages.join(' ');
    if (!text) continue;
    if (shown.includes(field)) inline[field] = inline[field] ? `${inline[field]} ${text}` : text;
    else other.push(text);
  }
  return { inline, other };
}

/**
 * Validation answers of the API shown in a form, in the server's (Chinese) words: beside the
 * field when the form has it, otherwise as a message. Anything else is rethrown for the app's
 * global handler (errors.ts), which shows the server's message too.
 */
export function useFormErrors(
  shown: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): { errors: Ref<Record<string, string>>; clear: () => void; capture: (error: unknown) => void } {
  const errors = ref<Record<string, string>>({});

  function clear(): void {
    errors.value = {};
  }

  function capture(error: unknown): void {
    if (!isApiError(error) || !Object.keys(error.fields).length) throw error;
    const { inline, other } = splitFieldErrors(error.fields, shown, aliases);
    errors.value = inline;
    if (other.length || !Object.keys(inline).length) {
      ElMessage.error({ message: other.length ? other.join(' ') : error.message, grouping: true, showClose: true });
    }
  }

  return { errors, clear, capture };
}
