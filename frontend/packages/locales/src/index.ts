import en from '../en.json';
import zhCN from '../zh-CN.json';

import type { UiLocale } from './locale';

export type MessageSchema = typeof zhCN;

/** Both apps' labels. `satisfies` makes a key missing from en.json a type error as well. */
export const messages = { 'zh-CN': zhCN, en: en satisfies MessageSchema } satisfies Record<UiLocale, MessageSchema>;

export * from './dates';
export * from './locale';
