/**
 * The knowledge base (hitsm/knowledge/api, docs/knowledge.md): articles with their review
 * lifecycle and versions, the category tree, synonym groups, the auto-answer service every
 * channel asks before a ticket, the question log with its outcomes and statistics, knowledge
 * capture from a resolved ticket and the ticket's information assistant.
 *
 * Types are derived from the generated schema by path; where drf-spectacular says too little
 * (an article's tags, the unanswered questions) or too much (the versions are a plain list, not
 * a page) the shape is fixed here from knowledge/api/serializers.py and views.py.
 */
import { createHitsmClient, type HitsmClient } from './client';
import { unwrap } from './errors';
import type { components } from './schema';
import type { QueryParams, RequestBody, ResponseData } from './types';

type Schemas = components['schemas'];

export type KnowledgeArticleStatus = Schemas['ArticleStatusEnum'];
/** `all` (all staff) or `it` (IT department only; staff never see those, the API filters). */
export type KnowledgeAudience = Schemas['AudienceEnum'];
export type KnowledgeChannel = Schemas['QuestionChannelEnum'];
export type KnowledgeOutcome = Schemas['OutcomeEnum'];

/** The lifecycle in order: draft → review → published → retired. */
export const KNOWLEDGE_STATUSES: readonly KnowledgeArticleStatus[] = ['draft', 'review', 'published', 'retired'];

/** One article in a list or an answer: no body. */
export type KnowledgeArticleBrief = Omit<Schemas['ArticleBrief'], 'tags'> & { readonly tags: string[] };
export type KnowledgeArticlePage = Omit<ResponseData<'/api/v1/knowledge/articles/', 'get'>, 'results'> & {
  results: KnowledgeArticleBrief[];
};
export type KnowledgeArticleQuery = QueryParams<'/api/v1/knowledge/articles/', 'get'>;
/** One article with its (server-cleaned) HTML body and links. */
export type KnowledgeArticle = ResponseData<'/api/v1/knowledge/articles/{id}/', 'get'>;
export type KnowledgeArticleRequest = RequestBody<'/api/v1/knowledge/articles/', 'post'>;
export type KnowledgeArticlePatch = RequestBody<'/api/v1/knowledge/articles/{id}/', 'patch'>;
/** What one publication said, with who wrote and who approved it (newest first). */
export type KnowledgeArticleVersion = Schemas['ArticleVersion'];

/** A category of the tree (flat, with `parent`) and its published articles. */
export type KnowledgeCategory = ResponseData<'/api/v1/knowledge/categories/', 'get'>[number];
/** Create, rename, move (`parent`) or reorder (`order`); `code` is made from the name when left out. */
export type KnowledgeCategoryRequest = RequestBody<'/api/v1/knowledge/categories/', 'post'>;

/** A picture for an article's body; `url` is the only `<img src>` the server keeps. */
export type KnowledgeImage = ResponseData<'/api/v1/knowledge/images/', 'post'>;
/** A known error (problem record) linked to an article, with its number and title. */
export type KnowledgeLinkedProblem = KnowledgeArticle['problem_details'][number];

export type KnowledgeSynonym = ResponseData<'/api/v1/knowledge/synonyms/', 'get'>[number];
export type KnowledgeSynonymRequest = RequestBody<'/api/v1/knowledge/synonyms/', 'post'>;

/** The auto-answer service's reply (docs/knowledge.md): `answered` means ask "solved?". */
export type KnowledgeAnswer = Omit<ResponseData<'/api/v1/knowledge/answer/', 'post'>, 'articles'> & {
  articles: KnowledgeArticleBrief[];
};
export type KnowledgeOutcomeRequest = RequestBody<'/api/v1/knowledge/questions/{id}/outcome/', 'post'>;
export type KnowledgeQuestion = ResponseData<'/api/v1/knowledge/questions/{id}/', 'get'>;
export type KnowledgeQuestionPage = ResponseData<'/api/v1/knowledge/questions/', 'get'>;
export type KnowledgeQuestionQuery = QueryParams<'/api/v1/knowledge/questions/', 'get'>;

/** A question nothing answered, with how often it was asked. */
export interface KnowledgeUnanswered {
  text: string;
  count: number;
}
export type KnowledgeStats = Omit<ResponseData<'/api/v1/knowledge/stats/', 'get'>, 'top_unanswered'> & {
  top_unanswered: KnowledgeUnanswered[];
};

/** The information assistant on a ticket: similar tickets, handlers, resolutions, articles, known errors. */
export type TicketAssistant = ResponseData<'/api/v1/knowledge/assistant/', 'get'>;
export type TicketAssistantHandler = TicketAssistant['handlers'][number];
export type TicketAssistantResolution = TicketAssistant['resolutions'][number];
export type TicketAssistantArticle = TicketAssistant['articles'][number];
export type TicketAssistantKnownError = TicketAssistant['known_errors'][number];

export function createKnowledgeEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  return {
    /** Articles, newest change first; with `q` the search's order (staff: published, for everyone). */
    async listKnowledgeArticles(query: KnowledgeArticleQuery = {}): Promise<KnowledgeArticlePage> {
      const clean: KnowledgeArticleQuery = { ...query };
      if (clean.q !== undefined) {
        const q = clean.q.trim();
        if (q) clean.q = q;
        else delete clean.q;
      }
      return unwrap(await client.GET('/api/v1/knowledge/articles/', { params: { query: clean } })) as KnowledgeArticlePage;
    },
    /**
     * One article. The server counts a view when a published article is read by someone other
     * than its author, once an hour per person; `edit` (the editor, its preview) never counts.
     */
    async getKnowledgeArticle(id: number, options: { edit?: boolean } = {}): Promise<KnowledgeArticle> {
      const query = options.edit ? { edit: true } : {};
      return unwrap(await client.GET('/api/v1/knowledge/articles/{id}/', { params: { path: { id }, query } }));
    },
    async createKnowledgeArticle(body: KnowledgeArticleRequest): Promise<KnowledgeArticle> {
      return unwrap(await client.POST('/api/v1/knowledge/articles/', { body }));
    },
    async patchKnowledgeArticle(id: number, body: KnowledgeArticlePatch): Promise<KnowledgeArticle> {
      return unwrap(await client.PATCH('/api/v1/knowledge/articles/{id}/', { ...path(id), body }));
    },
    /** Drafts, articles in review and retired ones; a published article must be retired first. */
    async deleteKnowledgeArticle(id: number): Promise<void> {
      await client.DELETE('/api/v1/knowledge/articles/{id}/', path(id));
    },
    /** Submit for review: draft → review. */
    async submitKnowledgeArticle(id: number): Promise<KnowledgeArticle> {
      return unwrap(await client.POST('/api/v1/knowledge/articles/{id}/submit/', path(id)));
    },
    /** Publish (reviewers): searchable at once, the text kept as a new version. */
    async publishKnowledgeArticle(id: number): Promise<KnowledgeArticle> {
      return unwrap(await client.POST('/api/v1/knowledge/articles/{id}/publish/', path(id)));
    },
    /** Retire (reviewers): out of search; publishing brings it back. */
    async retireKnowledgeArticle(id: number): Promise<KnowledgeArticle> {
      return unwrap(await client.POST('/api/v1/knowledge/articles/{id}/retire/', path(id)));
    },
    /** Was this article helpful? yes / no. */
    async sendKnowledgeFeedback(id: number, helpful: boolean): Promise<void> {
      await client.POST('/api/v1/knowledge/articles/{id}/feedback/', { ...path(id), body: { helpful } });
    },
    async listKnowledgeVersions(id: number): Promise<KnowledgeArticleVersion[]> {
      const data: unknown = unwrap(await client.GET('/api/v1/knowledge/articles/{id}/versions/', path(id)));
      // The view answers a plain list; the schema calls it a page. Accept both.
      if (Array.isArray(data)) return data as KnowledgeArticleVersion[];
      return (data as { results: KnowledgeArticleVersion[] }).results;
    },
    /** Knowledge capture: a draft from a resolved or closed ticket (IT staff). */
    async createArticleFromTicket(ticket: number): Promise<KnowledgeArticle> {
      return unwrap(await client.POST('/api/v1/knowledge/articles/from-ticket/', { body: { ticket } }));
    },

    async listKnowledgeCategories(): Promise<KnowledgeCategory[]> {
      return unwrap(await client.GET('/api/v1/knowledge/categories/'));
    },
    async createKnowledgeCategory(body: KnowledgeCategoryRequest): Promise<KnowledgeCategory> {
      return unwrap(await client.POST('/api/v1/knowledge/categories/', { body }));
    },
    async patchKnowledgeCategory(id: number, body: Partial<KnowledgeCategoryRequest>): Promise<KnowledgeCategory> {
      return unwrap(await client.PATCH('/api/v1/knowledge/categories/{id}/', { ...path(id), body }));
    },
    /** Refused with 409 `in_use` while it holds articles or sub-categories. */
    async deleteKnowledgeCategory(id: number): Promise<void> {
      await client.DELETE('/api/v1/knowledge/categories/{id}/', path(id));
    },

    /** Upload a picture for an article's body (IT staff); `article` null before its first save. */
    async uploadKnowledgeImage(file: File, article: number | null): Promise<KnowledgeImage> {
      const form = new FormData();
      form.append('file', file, file.name);
      if (article !== null) form.append('article', String(article));
      return unwrap(
        await client.POST('/api/v1/knowledge/images/', {
          body: form as never,
          bodySerializer: (value: unknown) => value as FormData,
        }),
      );
    },

    async listKnowledgeSynonyms(): Promise<KnowledgeSynonym[]> {
      return unwrap(await client.GET('/api/v1/knowledge/synonyms/'));
    },
    async createKnowledgeSynonym(body: KnowledgeSynonymRequest): Promise<KnowledgeSynonym> {
      return unwrap(await client.POST('/api/v1/knowledge/synonyms/', { body }));
    },
    async patchKnowledgeSynonym(id: number, body: Partial<KnowledgeSynonymRequest>): Promise<KnowledgeSynonym> {
      return unwrap(await client.PATCH('/api/v1/knowledge/synonyms/{id}/', { ...path(id), body }));
    },
    async deleteKnowledgeSynonym(id: number): Promise<void> {
      await client.DELETE('/api/v1/knowledge/synonyms/{id}/', path(id));
    },

    /** The auto-answer service: every question is logged with what it was shown. */
    async askKnowledge(question: string, channel: KnowledgeChannel): Promise<KnowledgeAnswer> {
      return unwrap(await client.POST('/api/v1/knowledge/answer/', { body: { question, channel } })) as KnowledgeAnswer;
    },
    /** How the asker's question ended: solved, not solved, or a ticket was created. */
    async reportKnowledgeOutcome(questionId: number, body: KnowledgeOutcomeRequest): Promise<KnowledgeQuestion> {
      return unwrap(await client.POST('/api/v1/knowledge/questions/{id}/outcome/', { ...path(questionId), body }));
    },
    async listKnowledgeQuestions(query: KnowledgeQuestionQuery = {}): Promise<KnowledgeQuestionPage> {
      return unwrap(await client.GET('/api/v1/knowledge/questions/', { params: { query } }));
    },
    /** Self-service results of the last `days` days (1–366). */
    async getKnowledgeStats(days = 30): Promise<KnowledgeStats> {
      const data: unknown = unwrap(await client.GET('/api/v1/knowledge/stats/', { params: { query: { days } } }));
      return data as KnowledgeStats;
    },
    async getTicketAssistant(ticket: number): Promise<TicketAssistant> {
      return unwrap(await client.GET('/api/v1/knowledge/assistant/', { params: { query: { ticket } } }));
    },
  };
}

export type KnowledgeEndpoints = ReturnType<typeof createKnowledgeEndpoints>;

/** The endpoints over the shared, browser-configured client. */
export const knowledgeApi: KnowledgeEndpoints = createKnowledgeEndpoints(createHitsmClient());

export const {
  listKnowledgeArticles,
  getKnowledgeArticle,
  createKnowledgeArticle,
  patchKnowledgeArticle,
  deleteKnowledgeArticle,
  submitKnowledgeArticle,
  publishKnowledgeArticle,
  retireKnowledgeArticle,
  sendKnowledgeFeedback,
  listKnowledgeVersions,
  createArticleFromTicket,
  listKnowledgeCategories,
  createKnowledgeCategory,
  patchKnowledgeCategory,
  deleteKnowledgeCategory,
  uploadKnowledgeImage,
  listKnowledgeSynonyms,
  createKnowledgeSynonym,
  patchKnowledgeSynonym,
  deleteKnowledgeSynonym,
  askKnowledge,
  reportKnowledgeOutcome,
  listKnowledgeQuestions,
  getKnowledgeStats,
  getTicketAssistant,
} = knowledgeApi;
