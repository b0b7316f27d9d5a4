import type { FormMessages } from '@hitsm/api';
import { useI18n } from 'vue-i18n';

type Translate = (key: string, params: Record<string, string | number>) => string;

/** The catalog form messages (validation, schema checks) over `forms.messages.*`. */
export function formMessages(t: Translate): FormMessages {
  return (code, params) => t(`forms.messages.${code}`, params);
}

/** {@link formMessages} for the current component's i18n. */
export function useFormMessages(): FormMessages {
  const { t } = useI18n();
  return formMessages(t);
}
