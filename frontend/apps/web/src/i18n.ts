import { loadLocale, messages, saveLocale, type MessageSchema, type UiLocale } from '@hitsm/locales';
import { createI18n } from 'vue-i18n';

export const i18n = createI18n<[MessageSchema], UiLocale, false>({
  legacy: false,
  locale: loadLocale(),
  fallbackLocale: 'zh-CN',
  messages,
});

export function currentLocale(): UiLocale {
  return i18n.global.locale.value;
}

/** Switch the UI language (labels, Element Plus, `<html lang>`) and remember the choice. */
export function setLocale(locale: UiLocale): void {
  i18n.global.locale.value = locale;
  saveLocale(locale);
  document.documentElement.lang = locale;
}

document.documentElement.lang = currentLocale();
