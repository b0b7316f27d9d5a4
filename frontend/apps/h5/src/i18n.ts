import { loadLocale, messages, saveLocale, type MessageSchema, type UiLocale } from '@hitsm/locales';
import { Locale } from 'vant';
import enUS from 'vant/es/locale/lang/en-US';
import zhCN from 'vant/es/locale/lang/zh-CN';
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

function applyVantLocale(locale: UiLocale): void {
  if (locale === 'en') Locale.use('en-US', enUS);
  else Locale.use('zh-CN', zhCN);
}

/** Switch the UI language (labels, Vant, `<html lang>`) and remember it for both apps. */
export function setLocale(locale: UiLocale): void {
  i18n.global.locale.value = locale;
  saveLocale(locale);
  applyVantLocale(locale);
  document.documentElement.lang = locale;
}

applyVantLocale(currentLocale());
document.documentElement.lang = currentLocale();
