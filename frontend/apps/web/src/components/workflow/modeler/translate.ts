/**
 * bpmn-js, diagram-js and the properties panel pass every label through a `translate` service
 * keyed by the English text. This module replaces it: Chinese from `bpmn-zh-CN.json` when the UI
 * speaks Chinese, the English original otherwise. `{name}` placeholders are filled either way.
 */
import zhCN from '../bpmn-zh-CN.json';

export type Translate = (template: string, replacements?: Record<string, string>) => string;

const DICTIONARIES: Record<string, Record<string, string>> = { 'zh-CN': zhCN };

export function bpmnTranslator(locale: string): Translate {
  const dictionary = DICTIONARIES[locale] ?? {};
  return (template, replacements = {}) =>
    (dictionary[template] ?? template).replace(/\{([^}]+)\}/g, (whole, key: string) => replacements[key] ?? whole);
}

export function translateModule(locale: string) {
  return { translate: ['value', bpmnTranslator(locale)] };
}
