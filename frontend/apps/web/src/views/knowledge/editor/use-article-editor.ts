import {
  createKnowledgeArticle,
  deleteKnowledgeArticle,
  getKnowledgeArticle,
  isApiError,
  patchKnowledgeArticle,
  publishKnowledgeArticle,
  retireKnowledgeArticle,
  submitKnowledgeArticle,
  type KnowledgeArticle,
  type KnowledgeArticleRequest,
  type KnowledgeArticleStatus,
  type KnowledgeAudience,
} from '@hitsm/api';
import { computed, reactive, ref, type Ref } from 'vue';

import { useFormErrors } from '@/composables/use-form-errors';

export interface ArticleForm {
  title: string;
  summary: string;
  category: number | null;
  tags: string[];
  keywords: string[];
  audience: KnowledgeAudience;
  catalog_items: number[];
  configuration_items: number[];
  /** Known errors (problem records) the article explains. */
  problems: number[];
  body: string;
}

export const ARTICLE_FIELDS = [
  'title',
  'summary',
  'category',
  'tags',
  'keywords',
  'audience',
  'catalog_items',
  'configuration_items',
  'problems',
  'body',
] as const satisfies readonly (keyof ArticleForm)[];

export function articleForm(article: KnowledgeArticle | null, title = ''): ArticleForm {
  return {
    title: article?.title ?? title,
    summary: article?.summary ?? '',
    category: article?.category ?? null,
    tags: [...(article?.tags ?? [])],
    keywords: [...(article?.keywords ?? [])],
    audience: article?.audience ?? 'all',
    catalog_items: [...(article?.catalog_items ?? [])],
    configuration_items: [...(article?.configuration_items ?? [])],
    problems: [...(article?.problems ?? [])],
    body: article?.body ?? '',
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields that differ from the saved article (all of them for a new one). */
export function articleChanges(form: ArticleForm, saved: KnowledgeArticle | null): Partial<KnowledgeArticleRequest> {
  const base = articleForm(saved);
  const out: Record<string, unknown> = {};
  for (const field of ARTICLE_FIELDS) {
    const value = typeof form[field] === 'string' ? (form[field] as string).trim() : form[field];
    if (saved === null || !same(value, base[field])) out[field] = value;
  }
  return out as Partial<KnowledgeArticleRequest>;
}

export interface ArticleActions {
  submit: boolean;
  publish: boolean;
  retire: boolean;
  remove: boolean;
}

/**
 * Which lifecycle buttons to show (docs/knowledge.md): any IT staff submit a draft; reviewers
 * publish from any other status, and a published article again once it changed (that records a
 * new version); they retire a published one and delete what is not published.
 */
export function articleActions(status: KnowledgeArticleStatus | null, reviewer: boolean, changed = false): ArticleActions {
  if (status === null) return { submit: false, publish: false, retire: false, remove: false };
  return {
    submit: status === 'draft',
    publish: reviewer && (status !== 'published' || changed),
    retire: reviewer && status === 'published',
    remove: reviewer && status !== 'published',
  };
}

/** Whether a published article was edited after its publication (a second apart: the save itself). */
export function changedSincePublished(article: Pick<KnowledgeArticle, 'published_at' | 'updated_at'> | null): boolean {
  if (!article?.published_at) return false;
  return Date.parse(article.updated_at) - Date.parse(article.published_at) > 1000;
}

/** One article in the editor: load, save (only what changed), the lifecycle, the errors. */
export function useArticleEditor(id: Ref<number | null>, initialTitle = '') {
  const article = ref<KnowledgeArticle | null>(null);
  const form = reactive<ArticleForm>(articleForm(null, initialTitle));
  const loading = ref(false);
  const missing = ref(false);
  const busy = ref(false);
  const { errors, clear, capture } = useFormErrors(ARTICLE_FIELDS);

  const dirty = computed(() => Object.keys(articleChanges(form, article.value)).length > 0 && (article.value !== null || form.title.trim() !== '' || form.body !== ''));

  function reset(saved: KnowledgeArticle | null): void {
    article.value = saved;
    Object.assign(form, articleForm(saved, initialTitle));
  }

  async function load(): Promise<void> {
    missing.value = false;
    clear();
    if (id.value === null) {
      reset(null);
      return;
    }
    loading.value = true;
    try {
      reset(await getKnowledgeArticle(id.value, { edit: true })); // the editor's read is no view
    } catch (error) {
      if (isApiError(error) && error.status === 404) missing.value = true;
      else throw error;
    } finally {
      loading.value = false;
    }
  }

  /** Save what changed; the saved article, or null when the server refused a field. */
  async function save(): Promise<KnowledgeArticle | null> {
    clear();
    const changes = articleChanges(form, article.value);
    if (article.value && !Object.keys(changes).length) return article.value;
    busy.value = true;
    try {
      const saved = article.value
        ? await patchKnowledgeArticle(article.value.id, changes)
        : await createKnowledgeArticle(changes as KnowledgeArticleRequest);
      reset(saved);
      return saved;
    } catch (error) {
      capture(error);
      return null;
    } finally {
      busy.value = false;
    }
  }

  /** Save first (a transition publishes what is on screen), then move the article. */
  async function transition(action: 'submit' | 'publish' | 'retire'): Promise<boolean> {
    const saved = await save();
    if (!saved) return false;
    const run = { submit: submitKnowledgeArticle, publish: publishKnowledgeArticle, retire: retireKnowledgeArticle }[action];
    busy.value = true;
    try {
      reset(await run(saved.id));
      return true;
    } finally {
      busy.value = false;
    }
  }

  async function remove(): Promise<void> {
    if (!article.value) return;
    busy.value = true;
    try {
      await deleteKnowledgeArticle(article.value.id);
    } finally {
      busy.value = false;
    }
  }

  return { article, form, loading, missing, busy, errors, dirty, load, save, transition, remove };
}
