/**
 * Satisfaction surveys (hitsm/surveys/api, docs/surveys.md, requirement 3.1.6): a resolved
 * ticket's survey, answered by its requester (or whoever submitted it for them); the follow-up
 * a low score opens for the IT manager; the survey configuration per catalog item; the
 * monthly summary with its Excel/PDF export.
 *
 * Types are derived from the generated schema by path. The functions live on one object,
 * {@link surveyApi}, and are also exported one by one under names that say "survey".
 */
import { createHitsmClient, type HitsmClient } from './client';
import { ApiError, unwrap } from './errors';
import type { components } from './schema';
import { filenameFromDisposition } from './tickets';
import type { QueryParams, RequestBody, ResponseData } from './types';

type Schemas = components['schemas'];

/** One ticket's survey: the questions asked, the answer (`scores` null before it) and its window. */
export type Survey = ResponseData<'/api/v1/surveys/{id}/', 'get'>;
export type SurveyStatus = Schemas['SurveyStatusEnum'];
export type SurveyQuestion = Schemas['SurveyQuestion'];
export type SurveyPage = ResponseData<'/api/v1/surveys/', 'get'>;
export type SurveyQuery = QueryParams<'/api/v1/surveys/', 'get'>;
/** `{scores: {technical, response, attitude, ...extra}, comment, channel}`. */
export type SurveyAnswer = RequestBody<'/api/v1/surveys/{id}/answer/', 'post'>;
export type SurveyAnswerChannel = NonNullable<SurveyAnswer['channel']>;

/** A follow-up: a low-score survey the IT manager calls the requester about. */
export type SurveyFollowUp = ResponseData<'/api/v1/surveys/follow-ups/{id}/', 'get'>;
export type SurveyFollowUpStatus = Schemas['FollowUpStatusEnum'];
export type SurveyFollowUpPage = ResponseData<'/api/v1/surveys/follow-ups/', 'get'>;
export type SurveyFollowUpQuery = QueryParams<'/api/v1/surveys/follow-ups/', 'get'>;

/** How a catalog item's tickets are surveyed; `catalog_item: null` is the hospital's default. */
export type SurveyConfig = ResponseData<'/api/v1/surveys/configs/{id}/', 'get'>;
export type SurveyConfigRequest = RequestBody<'/api/v1/surveys/configs/', 'post'>;
export type SurveyTrigger = Schemas['TriggerEnum'];

/** The month's numbers overall and per department, support group, engineer and catalog item. */
export type SurveySummary = ResponseData<'/api/v1/surveys/summaries/', 'get'>;
export type SurveyStats = Schemas['SurveyStats'];
export type SurveyGroupStats = Schemas['SurveyGroupStats'];
export type SurveyTrendPoint = Schemas['SurveyTrendPoint'];
export type SurveyComment = Schemas['SurveyComment'];
export type SurveyExportFormat = 'xlsx' | 'pdf';

export function createSurveyEndpoints(client: HitsmClient) {
  const path = (id: number) => ({ params: { path: { id } } });
  // The survey's own path takes digits only, which the schema types as a string.
  const surveyPath = (id: number) => ({ params: { path: { id: String(id) } } });
  return {
    /** The surveys the user may see (a requester: their own), newest first. */
    async listSurveys(query: SurveyQuery = {}): Promise<SurveyPage> {
      return unwrap(await client.GET('/api/v1/surveys/', { params: { query } }));
    },
    async getSurvey(id: number): Promise<Survey> {
      return unwrap(await client.GET('/api/v1/surveys/{id}/', surveyPath(id)));
    },
    /** A ticket's survey, or null when it has none (yet) or the user may not see it. */
    async getTicketSurvey(ticket: number): Promise<Survey | null> {
      const page = unwrap(await client.GET('/api/v1/surveys/', { params: { query: { ticket } } }));
      return page.results[0] ?? null;
    },
    /**
     * Answer, or within the edit window change the answer. 409 `survey.expired`,
     * `survey.closed` or `survey.ticket_reopened`; 400 `survey.invalid_answer` with
     * `scores.<key>` / `comment` fields.
     */
    async answerSurvey(id: number, body: SurveyAnswer): Promise<Survey> {
      return unwrap(await client.POST('/api/v1/surveys/{id}/answer/', { ...surveyPath(id), body }));
    },

    async listSurveyFollowUps(query: SurveyFollowUpQuery = {}): Promise<SurveyFollowUpPage> {
      return unwrap(await client.GET('/api/v1/surveys/follow-ups/', { params: { query } }));
    },
    /** "I will call": the follow-up becomes the signed-in manager's. */
    async takeSurveyFollowUp(id: number): Promise<SurveyFollowUp> {
      return unwrap(await client.POST('/api/v1/surveys/follow-ups/{id}/take/', path(id)));
    },
    /** Close with what the call found out (required, at most 2000 characters). */
    async closeSurveyFollowUp(id: number, outcome: string): Promise<SurveyFollowUp> {
      return unwrap(await client.POST('/api/v1/surveys/follow-ups/{id}/close/', { ...path(id), body: { outcome } }));
    },

    /** Every configuration row (not paged): the default first, then one per catalog item. */
    async listSurveyConfigs(): Promise<SurveyConfig[]> {
      return unwrap(await client.GET('/api/v1/surveys/configs/'));
    },
    async createSurveyConfig(body: SurveyConfigRequest): Promise<SurveyConfig> {
      return unwrap(await client.POST('/api/v1/surveys/configs/', { body }));
    },
    async updateSurveyConfig(id: number, body: SurveyConfigRequest): Promise<SurveyConfig> {
      return unwrap(await client.PUT('/api/v1/surveys/configs/{id}/', { ...path(id), body }));
    },
    async deleteSurveyConfig(id: number): Promise<void> {
      await client.DELETE('/api/v1/surveys/configs/{id}/', path(id));
    },

    /** The month's summary: the stored one when it was generated, else computed now. */
    async getSurveySummary(month: string): Promise<SurveySummary> {
      return unwrap(await client.GET('/api/v1/surveys/summaries/', { params: { query: { month } } }));
    },
    /** Compute and store the month's summary now (IT managers and admins). */
    async generateSurveySummary(month: string): Promise<SurveySummary> {
      return unwrap(await client.POST('/api/v1/surveys/summaries/generate/', { body: { month } }));
    },
    /** The month's summary as an Excel workbook or a PDF, under the server's file name. */
    async exportSurveySummary(month: string, format: SurveyExportFormat): Promise<{ blob: Blob; filename: string }> {
      const { data, response } = await client.GET('/api/v1/surveys/summaries/export/', {
        params: { query: { month, format } },
        parseAs: 'blob',
      });
      if (!data) throw new ApiError(response.status, 'parse_error', `Empty response from ${response.url}`);
      return {
        blob: data as Blob,
        filename: filenameFromDisposition(response.headers.get('Content-Disposition'), `satisfaction-${month}.${format}`),
      };
    },
  };
}

export type SurveyEndpoints = ReturnType<typeof createSurveyEndpoints>;

/** The survey endpoints over a browser-configured client (`configureApi`). */
export const surveyApi: SurveyEndpoints = createSurveyEndpoints(createHitsmClient());

export const {
  listSurveys,
  getSurvey,
  getTicketSurvey,
  answerSurvey,
  listSurveyFollowUps,
  takeSurveyFollowUp,
  closeSurveyFollowUp,
  listSurveyConfigs,
  createSurveyConfig,
  updateSurveyConfig,
  deleteSurveyConfig,
  getSurveySummary,
  generateSurveySummary,
  exportSurveySummary,
} = surveyApi;
