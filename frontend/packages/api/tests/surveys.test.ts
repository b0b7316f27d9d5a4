import { describe, expect, it, vi } from 'vitest';

import {
  ApiError,
  createHitsmClient,
  createSurveyEndpoints,
  defaultSurveyMonth,
  isSurveyConflict,
  missingSurveyScores,
  shiftSurveyMonth,
  surveyAnswerBody,
  surveyAnswerErrors,
  surveyAnswerRows,
  surveyChangeText,
  surveyFormScores,
  surveyMonthOf,
  surveyRateText,
  surveyScoreText,
  surveyState,
  surveyTrend,
  type Survey,
} from '../src';

const BASE = 'http://hitsm.test';

function setup(respond: (request: Request) => Response) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request.clone());
    if (request.url.endsWith('/api/v1/auth/csrf/')) return new Response(null, { status: 204 });
    return respond(request);
  });
  const client = createHitsmClient({
    baseUrl: BASE,
    fetch,
    readCookie: (name) => (name === 'csrftoken' ? 'tok' : null),
    settings: { getLocale: () => 'zh-CN', fallbackMessage: () => 'x', onUnauthorized: () => undefined },
  });
  return { api: createSurveyEndpoints(client), requests };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const QUESTIONS = [
  { key: 'technical', label: '技术解决能力' },
  { key: 'response', label: '服务响应延迟' },
  { key: 'attitude', label: '服务态度' },
  { key: 'reliability', label: '系统稳定性' },
];

function survey(patch: Partial<Survey> = {}): Survey {
  return {
    id: 5,
    ticket: { id: 12, number: 'INC-202611-0001', title: '打印机卡纸' },
    status: 'pending',
    status_label: '待评价',
    channel: 'web',
    requester_name: '李护士',
    questions: QUESTIONS,
    scores: null,
    comment: '',
    answered_channel: '',
    created_at: '2026-11-20T08:00:00+08:00',
    sent_at: '2026-11-20T08:00:00+08:00',
    answered_at: null,
    edited_at: null,
    editable_until: null,
    expires_at: '2026-11-27T08:00:00+08:00',
    can_answer: true,
    ...patch,
  } as Survey;
}

describe('survey endpoints', () => {
  it('finds a ticket’s survey, or null when it has none', async () => {
    const { api, requests } = setup((request) =>
      json({ count: 1, next: null, previous: null, results: new URL(request.url).searchParams.get('ticket') === '12' ? [survey()] : [] }),
    );
    expect((await api.getTicketSurvey(12))?.id).toBe(5);
    expect(await api.getTicketSurvey(13)).toBeNull();
    expect(new URL(requests[0]!.url).pathname).toBe('/api/v1/surveys/');
  });

  it('posts an answer with the CSRF token and turns a conflict into an ApiError', async () => {
    const { api, requests } = setup((request) =>
      request.url.includes('/surveys/5/')
        ? json(survey({ status: 'answered' }))
        : json({ error: { code: 'survey.closed', message: '评价已提交，修改时限已过' } }, 409),
    );
    const body = { scores: { technical: 4, response: 4, attitude: 2 }, comment: '态度不好', channel: 'h5' as const };
    expect((await api.answerSurvey(5, body)).status).toBe('answered');
    const post = requests.find((r) => r.method === 'POST')!;
    expect(new URL(post.url).pathname).toBe('/api/v1/surveys/5/answer/');
    expect(post.headers.get('X-CSRFToken')).toBe('tok');
    expect(await post.json()).toEqual(body);
    const failure = await api.answerSurvey(6, body).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(isSurveyConflict(failure)).toBe(true);
  });

  it('takes and closes a follow-up', async () => {
    const { api, requests } = setup(() => json({ id: 3, status: 'closed' }));
    await api.takeSurveyFollowUp(3);
    await api.closeSurveyFollowUp(3, '已电话回访，解释了处理经过');
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => new URL(r.url).pathname)).toEqual(['/api/v1/surveys/follow-ups/3/take/', '/api/v1/surveys/follow-ups/3/close/']);
    expect(await posts[1]!.json()).toEqual({ outcome: '已电话回访，解释了处理经过' });
  });

  it('lists follow-ups by status and page', async () => {
    const { api, requests } = setup(() => json({ count: 0, next: null, previous: null, results: [] }));
    await api.listSurveyFollowUps({ status: 'open', page: 2, page_size: 20 });
    expect(new URL(requests[0]!.url).search).toBe('?status=open&page=2&page_size=20');
  });

  it('saves a configuration with PUT and deletes it', async () => {
    const { api, requests } = setup((request) => (request.method === 'DELETE' ? new Response(null, { status: 204 }) : json({ id: 2 })));
    await api.updateSurveyConfig(2, { catalog_item: 7, enabled: true, trigger: 'closed', questions: [], low_score_threshold: 3 });
    await api.deleteSurveyConfig(2);
    expect(requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'PUT /api/v1/surveys/configs/2/',
      'DELETE /api/v1/surveys/configs/2/',
    ]);
  });

  it('reads, regenerates and exports a month', async () => {
    const { api, requests } = setup((request) =>
      request.url.includes('/export/')
        ? new Response(new Blob(['%PDF']), { headers: { 'Content-Disposition': "attachment; filename*=UTF-8''satisfaction-2026-11.pdf" } })
        : json({ month: '2026-11' }, request.method === 'POST' ? 201 : 200),
    );
    await api.getSurveySummary('2026-11');
    await api.generateSurveySummary('2026-11');
    const file = await api.exportSurveySummary('2026-11', 'pdf');
    expect(file.filename).toBe('satisfaction-2026-11.pdf');
    expect(await file.blob.text()).toBe('%PDF');
    const sent = requests.filter((r) => !r.url.endsWith('/csrf/'));
    expect(sent.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`)).toEqual([
      'GET /api/v1/surveys/summaries/?month=2026-11',
      'POST /api/v1/surveys/summaries/generate/',
      'GET /api/v1/surveys/summaries/export/?month=2026-11&format=pdf',
    ]);
    expect(await sent[1]!.json()).toEqual({ month: '2026-11' });
  });
});

describe('survey rules', () => {
  const now = new Date('2026-11-21T08:00:00+08:00');

  it('says what the survey lets the user do now', () => {
    expect(surveyState(survey(), now)).toBe('open');
    expect(surveyState(survey({ expires_at: '2026-11-21T07:00:00+08:00' }), now)).toBe('expired');
    expect(surveyState(survey({ can_answer: false }), now)).toBe('waiting');
    expect(surveyState(survey({ status: 'expired', can_answer: false }), now)).toBe('expired');
    const answered = survey({ status: 'answered', scores: { technical: 4 }, editable_until: '2026-11-22T08:00:00+08:00' });
    expect(surveyState(answered, now)).toBe('editable');
    expect(surveyState({ ...answered, can_answer: false }, now)).toBe('answered');
    expect(surveyState(answered, new Date('2026-11-22T09:00:00+08:00'))).toBe('answered');
    expect(surveyState(answered, now, { readOnly: true })).toBe('answered');
    expect(surveyState(survey(), now, { readOnly: true })).toBe('waiting');
  });

  it('requires the three fixed scores and sends only the asked questions', () => {
    expect(missingSurveyScores({ technical: 4, response: 0 })).toEqual(['response', 'attitude']);
    expect(missingSurveyScores({ technical: 4, response: 4, attitude: 2 })).toEqual([]);
    const body = surveyAnswerBody(QUESTIONS, { technical: 4, response: 4, attitude: 2, reliability: 0, other: 5 }, '  态度差 ', 'h5');
    expect(body).toEqual({ scores: { technical: 4, response: 4, attitude: 2 }, comment: '态度差', channel: 'h5' });
  });

  it('starts the form from the answer and lists the answer with its labels', () => {
    const answered = survey({ status: 'answered', scores: { technical: 5, response: 3, attitude: 4 } });
    expect(surveyFormScores(answered)).toEqual({ technical: 5, response: 3, attitude: 4, reliability: 0 });
    expect(surveyAnswerRows(answered)).toEqual([
      { key: 'technical', label: '技术解决能力', score: 5 },
      { key: 'response', label: '服务响应延迟', score: 3 },
      { key: 'attitude', label: '服务态度', score: 4 },
    ]);
  });

  it('maps the server’s field errors to question keys', () => {
    const error = new ApiError(400, 'survey.invalid_answer', 'x', { 'scores.attitude': ['请为「服务态度」打分'], comment: ['太长'], scores: ['没有这些评分项'] });
    expect(surveyAnswerErrors(error)).toEqual({ attitude: '请为「服务态度」打分', comment: '太长', _: '没有这些评分项' });
    expect(surveyAnswerErrors(new Error('x'))).toEqual({});
    expect(isSurveyConflict(new ApiError(409, 'ticket.stale', 'x'))).toBe(false);
  });

  it('counts months in the hospital’s time zone', () => {
    expect(surveyMonthOf(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12');
    expect(shiftSurveyMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftSurveyMonth('2026-11', 2)).toBe('2027-01');
    expect(defaultSurveyMonth(new Date('2026-01-05T08:00:00+08:00'))).toBe('2025-12');
  });

  it('puts the month after its three previous ones and writes the numbers', () => {
    const trend = [
      { month: '2026-08', sent: 0, answered: 0, response_rate: null, average: null },
      { month: '2026-09', sent: 2, answered: 1, response_rate: 0.5, average: 4 },
      { month: '2026-10', sent: 4, answered: 4, response_rate: 1, average: 4.5 },
    ];
    const points = surveyTrend({ trend, sent: 3, answered: 2, response_rate: 0.6667, average: 3.67 }, '2026-11');
    expect(points.map((p) => p.month)).toEqual(['2026-08', '2026-09', '2026-10', '2026-11']);
    expect(points[3]).toEqual({ month: '2026-11', sent: 3, answered: 2, response_rate: 0.6667, average: 3.67 });
    expect([surveyRateText(0.6667), surveyRateText(1), surveyRateText(null)]).toEqual(['66.7%', '100.0%', '—']);
    expect([surveyScoreText(3.5), surveyScoreText(null)]).toEqual(['3.50', '—']);
    expect([surveyChangeText(0.25), surveyChangeText(-0.4), surveyChangeText(0), surveyChangeText(null)]).toEqual(['+0.25', '-0.40', '0.00', '—']);
  });
});
