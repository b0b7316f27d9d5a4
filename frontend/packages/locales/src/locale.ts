/** UI locales: zh-CN is the default; the choice is remembered in localStorage by both apps. */
export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const;
export type UiLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: UiLocale = 'zh-CN';
export const LOCALE_STORAGE_KEY = 'hitsm.locale';

export function isUiLocale(value: unknown): value is UiLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

function storageOrNull(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage can be blocked (private mode, WeCom webview settings)
  }
}

export function loadLocale(storage: Storage | null = storageOrNull()): UiLocale {
  const stored = storage?.getItem(LOCALE_STORAGE_KEY);
  return isUiLocale(stored) ? stored : DEFAULT_LOCALE;
}

export function saveLocale(locale: UiLocale, storage: Storage | null = storageOrNull()): void {
  storage?.setItem(LOCALE_STORAGE_KEY, locale);
}

export function otherLocale(locale: UiLocale): UiLocale {
  return locale === 'en' ? 'zh-CN' : 'en';
}
