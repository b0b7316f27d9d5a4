import { describe, expect, it } from 'vitest';

import { LOCALE_STORAGE_KEY, loadLocale, otherLocale, saveLocale } from '../src';

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, v),
  };
}

describe('locale persistence', () => {
  it('defaults to Chinese and remembers the choice', () => {
    const storage = memoryStorage();
    expect(loadLocale(storage)).toBe('zh-CN');
    saveLocale('en', storage);
    expect(storage.getItem(LOCALE_STORAGE_KEY)).toBe('en');
    expect(loadLocale(storage)).toBe('en');
  });
  it('ignores unknown stored values', () => {
    const storage = memoryStorage();
    storage.setItem(LOCALE_STORAGE_KEY, 'fr');
    expect(loadLocale(storage)).toBe('zh-CN');
    expect(loadLocale(null)).toBe('zh-CN');
  });
  it('toggles between the two languages', () => {
    expect(otherLocale('zh-CN')).toBe('en');
    expect(otherLocale('en')).toBe('zh-CN');
  });
});
