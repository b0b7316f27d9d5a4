/**
 * Satisfaction survey rules both apps show the same way (docs/surveys.md): which questions must
 * be scored, what a survey lets the signed-in user do now, the answer as sent, the months of the
 * summary and its numbers as text.
 */
import { isApiError } from './errors';
import type { Survey, SurveyAnswer, SurveyAnswerChannel, SurveyQuestion, SurveyStats, SurveyTrendPoint } from './surveys';

/** The three questions every survey asks (required); a catalog item may add up to five more. */
export const SURVEY_FIXED_KEYS = ['technical', 'response', 'attitude'] as const;
export type SurveyFixedKey = (typeof SURVEY_FIXED_KEYS)[number];
export const SURVEY_SCORE_MAX = 5;
export const SURVEY_COMMENT_MAX = 1000;

export function isFixedSurveyKey(key: string): key is SurveyFixedKey {
  return (SURVEY_FIXED_KEYS as readonly string[]).includes(key);
}

/**
 * What the survey is to the signed-in user now:
 * - `open`: not answered yet, theirs to answer;
 * - `editable`: answered, and they may still change the answer (until `editable_until`);
 * - `answered`: answered, read-only (the window closed, or they are not the requester);
 * - `waiting`: not answered, but not theirs to answer now (IT staff; the ticket was reopened);
 *   `readOnly` (IT staff) never gets `open` or `editable`;
 * - `expired`: never answered in time.
 */
export type SurveyState = 'open' | 'editable' | 'answered' | 'waiting' | 'expired';

export function surveyState(survey: Survey, now: Date = new Date(), options: { readOnly?: boolean } = {}): SurveyState {
  // IT staff who submitted a ticket for a nurse may answer over the API; the UI leaves it to her.
  const mine = survey.can_answer && !options.readOnly;
  if (survey.status === 'expired') return 'expired';
  if (survey.status === 'answered') {
    const until = survey.editable_until ? Date.parse(survey.editable_until) : Number.NaN;
    return mine && until > now.getTime() ? 'editable' : 'answered';
  }
  if (!mine) return 'waiting';
  return Date.parse(survey.expires_at) > now.getTime() ? 'open' : 'expired';
}

/** The survey asks for the user's answer now (a badge on "my tickets", the card opened). */
export function surveyAwaitsAnswer(survey: Survey, now: Date = new Date()): boolean {
  return surveyState(survey, now) === 'open';
}

/** The fixed questions still without a score (1–5). */
export function missingSurveyScores(scores: Readonly<Record<string, number | null | undefined>>): SurveyFixedKey[] {
  return SURVEY_FIXED_KEYS.filter((key) => !validScore(scores[key]));
}

function validScore(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= SURVEY_SCORE_MAX;
}

/** The request body: a score for every asked question that has one, the trimmed comment. */
export function surveyAnswerBody(
  questions: readonly SurveyQuestion[],
  scores: Readonly<Record<string, number | null | undefined>>,
  comment: string,
  channel: SurveyAnswerChannel,
): SurveyAnswer {
  const sent: Record<string, number> = {};
  for (const { key } of questions) {
    const value = scores[key];
    if (validScore(value)) sent[key] = value;
  }
  return { scores: sent, comment: comment.trim(), channel };
}

/** The scores to start the form with: the answer given, or nothing (0 = no star). */
export function surveyFormScores(survey: Survey): Record<string, number> {
  return Object.fromEntries(survey.questions.map(({ key }) => [key, survey.scores?.[key] ?? 0]));
}

/** Every asked question with its score, for a read-only answer (unscored extras left out). */
export function surveyAnswerRows(survey: Pick<Survey, 'questions' | 'scores'>): { key: string; label: string; score: number }[] {
  return survey.questions.flatMap(({ key, label }) => {
    const score = survey.scores?.[key];
    return typeof score === 'number' ? [{ key, label, score }] : [];
  });
}

/**
 * Field errors of a refused answer by question key (`scores.attitude` → `attitude`), plus
 * `comment` and `_` for the scores as a whole.
 */
export function surveyAnswerErrors(error: unknown): Record<string, string> {
  if (!isApiError(error)) return {};
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error.fields)) {
    const key = field.startsWith('scores.') ? field.slice('scores.'.length) : field === 'scores' ? '_' : field;
    if (messages[0]) out[key] = messages[0];
  }
  return out;
}

/** The survey's own 409s: closed, expired, or the ticket reopened — reload and show the message. */
export function isSurveyConflict(error: unknown): boolean {
  return isApiError(error) && error.status === 409 && String(error.code).startsWith('survey.');
}

// --- the monthly summary ------------------------------------------------------------------------

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isSurveyMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value);
}

/** `YYYY-MM` of `now` in the hospital's time zone. */
export function surveyMonthOf(now: Date = new Date(), timeZone = 'Asia/Shanghai'): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}

/** The month `by` months from `month` (`2026-01`, -1 → `2025-12`). */
export function shiftSurveyMonth(month: string, by: number): string {
  const match = MONTH.exec(month);
  if (!match) return month;
  const index = Number(match[1]) * 12 + Number(match[2]) - 1 + by;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The summary's default month: the last finished one, as the server's. */
export function defaultSurveyMonth(now: Date = new Date()): string {
  return shiftSurveyMonth(surveyMonthOf(now), -1);
}

/** The three months before and the month itself, oldest first (the trend chart). */
export function surveyTrend(stats: Pick<SurveyStats, 'trend' | 'sent' | 'answered' | 'response_rate' | 'average'>, month: string): SurveyTrendPoint[] {
  const current = { month, sent: stats.sent, answered: stats.answered, response_rate: stats.response_rate, average: stats.average };
  return [...stats.trend, current];
}

/** `66.7%` for 0.6667; an em dash for no data. */
export function surveyRateText(rate: number | null | undefined): string {
  return typeof rate === 'number' ? `${(Math.round(rate * 1000) / 10).toFixed(1)}%` : '—';
}

/** `3.67` for an average score; an em dash for no data. */
export function surveyScoreText(score: number | null | undefined): string {
  return typeof score === 'number' ? score.toFixed(2) : '—';
}

/** `+0.25` / `-0.40` for a change against the previous months; an em dash for no data. */
export function surveyChangeText(change: number | null | undefined): string {
  if (typeof change !== 'number') return '—';
  return `${change > 0 ? '+' : ''}${change.toFixed(2)}`;
}
