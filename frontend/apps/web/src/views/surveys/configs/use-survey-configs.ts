import type { SurveyConfig, SurveyConfigRequest, SurveyQuestion, SurveyTrigger } from '@hitsm/api';

/** As the server checks them (hitsm/surveys/services.py `_clean_questions`). */
export const EXTRA_QUESTIONS_MAX = 5;
export const QUESTION_KEY = /^[a-z][a-z0-9_]{0,29}$/;
const FIXED_KEYS = new Set(['technical', 'response', 'attitude']);

export interface ConfigForm {
  catalog_item: number | null;
  enabled: boolean;
  trigger: SurveyTrigger;
  low_score_threshold: number;
  questions: SurveyQuestion[];
}

/** The hospital default first, then the items by name. */
export function sortConfigs(configs: readonly SurveyConfig[]): SurveyConfig[] {
  return [...configs].sort((a, b) => {
    if ((a.catalog_item === null) !== (b.catalog_item === null)) return a.catalog_item === null ? -1 : 1;
    return (a.catalog_item_name ?? '').localeCompare(b.catalog_item_name ?? '', 'zh-CN');
  });
}

export function configForm(config: SurveyConfig | null): ConfigForm {
  return {
    catalog_item: config?.catalog_item ?? null,
    enabled: config?.enabled ?? true,
    trigger: config?.trigger ?? 'resolved',
    low_score_threshold: config?.low_score_threshold ?? 2,
    questions: (config?.questions ?? []).map((q) => ({ ...q })),
  };
}

/** The body to save: blank extra questions dropped, keys and labels trimmed. */
export function configBody(form: ConfigForm): SurveyConfigRequest {
  return {
    catalog_item: form.catalog_item,
    enabled: form.enabled,
    trigger: form.trigger,
    low_score_threshold: form.low_score_threshold,
    questions: form.questions
      .map((q) => ({ key: q.key.trim(), label: q.label.trim() }))
      .filter((q) => q.key || q.label),
  };
}

/** What is wrong with the extra questions before asking the server (null when nothing). */
export type QuestionProblem = 'too_many' | 'key' | 'duplicate' | 'label';

export function questionProblem(questions: readonly SurveyQuestion[]): QuestionProblem | null {
  if (questions.length > EXTRA_QUESTIONS_MAX) return 'too_many';
  const seen = new Set<string>();
  for (const { key, label } of questions) {
    if (!QUESTION_KEY.test(key)) return 'key';
    if (FIXED_KEYS.has(key) || seen.has(key)) return 'duplicate';
    if (!label || label.length > 30) return 'label';
    seen.add(key);
  }
  return null;
}

/** Items that can get a row: those without one yet (and the row's own item when editing). */
export function freeItems<T extends { id: number }>(items: readonly T[], configs: readonly SurveyConfig[], keep: number | null): T[] {
  const taken = new Set(configs.flatMap((c) => (c.catalog_item !== null && c.catalog_item !== keep ? [c.catalog_item] : [])));
  return items.filter((item) => !taken.has(item.id));
}
