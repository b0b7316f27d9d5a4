import type * as ApiModule from '@hitsm/api';
import { ApiError, type Me, type Survey, type SurveyConfig, type SurveyGroupStats, type TicketEvent } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import TicketSurvey from '@/components/survey/ticket-survey.vue';
import TicketTimeline from '@/components/ticket/ticket-timeline.vue';
import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import { configBody, configForm, freeItems, questionProblem, sortConfigs } from '@/views/surveys/configs/use-survey-configs';
import { followUpFilterFrom, scoreList } from '@/views/surveys/follow-ups/use-follow-ups';
import SummaryTable from '@/views/surveys/summary/components/summary-table.vue';
import { dimensionRows, summaryMonthFrom } from '@/views/surveys/summary/use-survey-summary';
import { isSurveyManager } from '@/views/surveys/survey-roles';

import { detail } from './fixtures';

const api = vi.hoisted(() => ({ getTicketSurvey: vi.fn(), answerSurvey: vi.fn() }));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof ApiModule>()), ...api }));

const testid = (id: string) => `[data-testid="${id}"]`;
const QUESTIONS = [
  { key: 'technical', label: '技术解决能力' },
  { key: 'response', label: '服务响应延迟' },
  { key: 'attitude', label: '服务态度' },
];

function survey(patch: Partial<Survey> = {}): Survey {
  const future = new Date(Date.now() + 86_400_000).toISOString();
  return {
    id: 5,
    ticket: { id: 7, number: 'INC-20260302-0007', title: '门诊3楼打印机卡纸' },
    status: 'pending',
    status_label: '待评价',
    channel: 'web',
    requester_name: '李护士',
    questions: QUESTIONS,
    scores: null,
    comment: '',
    answered_channel: '',
    created_at: '2026-03-02T09:00:00+08:00',
    sent_at: '2026-03-02T09:00:00+08:00',
    answered_at: null,
    edited_at: null,
    editable_until: null,
    expires_at: future,
    can_answer: true,
    ...patch,
  } as Survey;
}

function signIn(roles: string[]): void {
  useSessionStore().signedIn({ id: 2, username: 'nurse_li', roles, is_superuser: false, navigation: [] } as unknown as Me);
}

const mounted: ReturnType<typeof mount>[] = [];
async function showSurvey(path = '/tickets/7') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: { render: () => h(TicketSurvey, { ticket: detail({ status: 'resolved' }) }) } },
    ],
  });
  await router.push(path);
  const wrapper = mount(defineComponent({ render: () => h(RouterView) }), { global: { plugins: [ElementPlus, i18n, router] }, attachTo: document.body });
  mounted.push(wrapper);
  await flushPromises();
  return wrapper;
}

/** Element Plus shows a form item's error (debounced 100 ms) and lays out a table's columns later. */
async function settle(): Promise<void> {
  await flushPromises();
  await new Promise((resolve) => setTimeout(resolve, 150));
  await flushPromises();
}

/** Click the n-th star (1-based) of a question's el-rate. */
async function rate(wrapper: ReturnType<typeof mount>, key: string, stars: number): Promise<void> {
  await wrapper.findAll(`${testid(`survey-rate-${key}`)} .el-rate__item`)[stars - 1]!.trigger('click');
}

beforeEach(() => {
  setLocale('zh-CN');
  setActivePinia(createPinia());
  vi.clearAllMocks();
});
afterEach(() => {
  mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  document.body.innerHTML = '';
});

describe('the survey on the ticket page', () => {
  it('shows nothing while the ticket has no survey', async () => {
    signIn(['requester']);
    api.getTicketSurvey.mockResolvedValue(null);
    const wrapper = await showSurvey();
    expect(api.getTicketSurvey).toHaveBeenCalledWith(7);
    expect(wrapper.find(testid('ticket-survey')).exists()).toBe(false);
  });

  it('asks for the three scores, sends them from the web and then shows "may change until"', async () => {
    signIn(['requester']);
    api.getTicketSurvey.mockResolvedValue(survey());
    const editableUntil = new Date(Date.now() + 3_600_000).toISOString();
    api.answerSurvey.mockImplementation(async (_id: number, body: { scores: Record<string, number>; comment: string }) =>
      survey({ status: 'answered', scores: body.scores, comment: body.comment, answered_at: new Date().toISOString(), editable_until: editableUntil }),
    );
    const wrapper = await showSurvey();
    expect(wrapper.get(testid('ticket-survey')).attributes('data-state')).toBe('open');

    await wrapper.get('form').trigger('submit');
    await settle();
    expect(api.answerSurvey).not.toHaveBeenCalled();
    expect(wrapper.get(testid('survey-q-attitude')).text()).toContain('请为「服务态度」打分');

    await rate(wrapper, 'technical', 4);
    await rate(wrapper, 'response', 4);
    await rate(wrapper, 'attitude', 2);
    await wrapper.get(testid('survey-comment')).setValue('  工程师态度生硬 ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(api.answerSurvey).toHaveBeenCalledWith(5, { scores: { technical: 4, response: 4, attitude: 2 }, comment: '工程师态度生硬', channel: 'web' });
    expect(wrapper.get(testid('ticket-survey')).attributes('data-state')).toBe('editable');
    expect(wrapper.get(testid('survey-score-attitude')).text()).toContain('2 分');
    expect(wrapper.get(testid('survey-said')).text()).toBe('工程师态度生硬');
    expect(wrapper.get(testid('survey-editable')).text()).toMatch(/^可修改至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });

  it('shows the server’s words beside the question it refuses', async () => {
    signIn(['requester']);
    api.getTicketSurvey.mockResolvedValue(survey());
    api.answerSurvey.mockRejectedValue(new ApiError(400, 'survey.invalid_answer', '评价无效', { 'scores.response': ['评分须为 1–5 的整数'] }));
    const wrapper = await showSurvey();
    for (const key of ['technical', 'response', 'attitude']) await rate(wrapper, key, 5);
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(wrapper.get(testid('survey-q-response')).text()).toContain('评分须为 1–5 的整数');
  });

  it('shows IT staff the answer read-only, even one they could change', async () => {
    signIn(['agent']);
    api.getTicketSurvey.mockResolvedValue(
      survey({ status: 'answered', scores: { technical: 5, response: 3, attitude: 4 }, comment: '', answered_channel: 'h5', answered_at: '2026-03-02T10:00:00+08:00', editable_until: new Date(Date.now() + 3_600_000).toISOString() }),
    );
    const wrapper = await showSurvey();
    const panel = wrapper.get(testid('ticket-survey'));
    expect(panel.attributes('data-state')).toBe('answered');
    expect(panel.find('form').exists()).toBe(false);
    expect(panel.find(testid('survey-edit')).exists()).toBe(false);
    expect(panel.text()).toContain('报修人的评价，仅供查看');
    expect(panel.text()).toContain('评价渠道：移动端');
    expect(wrapper.get(testid('survey-said')).text()).toBe('未填写意见建议');
  });

  it('tells IT staff a sent survey waits for the requester', async () => {
    signIn(['agent']);
    api.getTicketSurvey.mockResolvedValue(survey({ can_answer: true }));
    const wrapper = await showSurvey('/tickets/7?survey=1');
    expect(wrapper.get(testid('survey-waiting')).text()).toBe('已发送满意度调查，等待报修人评价。');
  });
});

describe('the ticket timeline', () => {
  it('says what a rating gave', () => {
    const event = {
      id: 1,
      kind: 'survey_answered',
      kind_label: '满意度评价',
      public: true,
      actor: { id: 2, username: 'nurse_li', display_name: '李护士' },
      actor_label: '',
      body: '态度生硬',
      data: { scores: { technical: 4, attitude: 2 }, edited: true },
      attachments: [],
      created_at: '2026-03-02T10:00:00+08:00',
    } as unknown as TicketEvent;
    const wrapper = mount(TicketTimeline, { props: { events: [event] }, global: { plugins: [ElementPlus, i18n] } });
    expect(wrapper.get(testid('timeline-kind')).text()).toBe('满意度评价');
    expect(wrapper.text()).toContain('修改了评价 · 评分：技术解决能力 4 分 · 服务态度 2 分');
  });
});

describe('the survey pages’ rules', () => {
  it('lets IT managers and admins act, the rest of the desk read', () => {
    expect(isSurveyManager({ roles: ['manager'] })).toBe(true);
    expect(isSurveyManager({ roles: ['admin'] })).toBe(true);
    expect(isSurveyManager({ roles: ['agent'] })).toBe(false);
    expect(isSurveyManager({ roles: [], is_superuser: true })).toBe(true);
    expect(isSurveyManager(null)).toBe(false);
  });

  it('lists open follow-ups unless the link says otherwise, lowest score first', () => {
    expect(followUpFilterFrom({})).toBe('open');
    expect(followUpFilterFrom({ status: 'closed' })).toBe('closed');
    expect(followUpFilterFrom({ status: 'all' })).toBe('all');
    expect(followUpFilterFrom({ status: 'nonsense' })).toBe('open');
    expect(scoreList({ technical: 4, attitude: 2, response: 3 })).toEqual([
      { key: 'attitude', score: 2 },
      { key: 'response', score: 3 },
      { key: 'technical', score: 4 },
    ]);
    expect(scoreList(null)).toEqual([]);
  });

  it('opens the report at the last finished month unless the link names one', () => {
    const now = new Date('2026-03-02T10:00:00+08:00');
    expect(summaryMonthFrom({}, now)).toBe('2026-02');
    expect(summaryMonthFrom({ month: '2026-03' }, now)).toBe('2026-03');
    expect(summaryMonthFrom({ month: '2026-04' }, now)).toBe('2026-02');
    expect(summaryMonthFrom({ month: '2026-13' }, now)).toBe('2026-02');
    expect(dimensionRows(null, 'engineer')).toEqual([]);
  });

  it('puts the default setting first and checks extra questions like the server', () => {
    const config = (id: number, item: number | null, name: string) => ({ id, catalog_item: item, catalog_item_name: name }) as SurveyConfig;
    expect(sortConfigs([config(2, 9, '邮箱开通'), config(1, null, ''), config(3, 4, '打印机维修')]).map((c) => c.id)).toEqual([1, 3, 2]);
    expect(questionProblem([{ key: 'reliability', label: '系统稳定性' }])).toBeNull();
    expect(questionProblem([{ key: 'Reliability', label: 'x' }])).toBe('key');
    expect(questionProblem([{ key: 'attitude', label: 'x' }])).toBe('duplicate');
    expect(questionProblem([{ key: 'a', label: '' }])).toBe('label');
    expect(questionProblem(Array.from({ length: 6 }, (_, i) => ({ key: `q${i}`, label: 'x' })))).toBe('too_many');
    const form = configForm(null);
    form.questions = [{ key: ' reliability ', label: ' 系统稳定性 ' }, { key: '', label: '' }];
    expect(configBody(form)).toEqual({ catalog_item: null, enabled: true, trigger: 'resolved', low_score_threshold: 2, questions: [{ key: 'reliability', label: '系统稳定性' }] });
    const items = [{ id: 4 }, { id: 9 }, { id: 11 }];
    expect(freeItems(items, [config(2, 9, ''), config(3, 4, '')], 4).map((i) => i.id)).toEqual([4, 11]);
  });

  it('writes a breakdown row’s rates and averages', async () => {
    const row = {
      id: 3,
      name: '手术室',
      sent: 3,
      answered: 2,
      response_rate: 0.6667,
      average: 3.67,
      satisfied_rate: 0.5,
      averages: { technical: 4.5, response: 3.5, attitude: 3 },
      distribution: {},
      trend: [],
      previous_average: null,
      change: null,
      worst_comments: [],
    } as SurveyGroupStats;
    const wrapper = mount(SummaryTable, { props: { rows: [row], questions: QUESTIONS, testid: 'table' }, global: { plugins: [ElementPlus, i18n] } });
    await settle();
    const cell = (id: string) => wrapper.get(testid(id)).text();
    expect([cell('cell-name'), cell('cell-sent'), cell('cell-answered'), cell('cell-response_rate')]).toEqual(['手术室', '3', '2', '66.7%']);
    expect([cell('cell-avg-technical'), cell('cell-avg-response'), cell('cell-avg-attitude'), cell('cell-average'), cell('cell-satisfied_rate')]).toEqual([
      '4.50',
      '3.50',
      '3.00',
      '3.67',
      '50.0%',
    ]);
  });
});
