import type * as Api from '@hitsm/api';
import type * as Vant from 'vant';
import { ApiError, type Survey } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import PendingSurveys from '@/views/servicedesk/my-tickets/components/pending-surveys.vue';
import SurveyCard from '@/views/servicedesk/ticket/components/survey-card.vue';

import { AGENT, NURSE, detail } from './fixtures';

const api = vi.hoisted(() => ({ getTicketSurvey: vi.fn(), answerSurvey: vi.fn(), listSurveys: vi.fn() }));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));
const toast = vi.hoisted(() => ({ showFailToast: vi.fn(), showSuccessToast: vi.fn() }));
vi.mock('vant', async (original) => ({ ...(await original<typeof Vant>()), ...toast }));

const testid = (id: string) => `[data-testid="${id}"]`;
const QUESTIONS = [
  { key: 'technical', label: '技术解决能力' },
  { key: 'response', label: '服务响应延迟' },
  { key: 'attitude', label: '服务态度' },
  { key: 'reliability', label: '打印机稳定性' },
];
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

function survey(patch: Partial<Survey> = {}): Survey {
  return {
    id: 5,
    ticket: { id: 7, number: 'INC-20260302-0007', title: '门诊3楼打印机卡纸' },
    status: 'pending',
    status_label: '待评价',
    channel: 'h5',
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
    expires_at: later(86_400_000),
    can_answer: true,
    ...patch,
  } as Survey;
}

let mounted: ReturnType<typeof mount> | null = null;
async function show(component: unknown, path = '/tickets/7') {
  const Page = defineComponent({ render: () => h(component as never, { ticket: detail({ status: 'resolved' }) }) });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/tickets', name: 'my-tickets', component: Page },
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: Page },
    ],
  });
  await router.push(path);
  mounted = mount(RouterView, { global: { plugins: [router, i18n] }, attachTo: document.body });
  await flushPromises();
  return { wrapper: mounted, router };
}

async function tapStar(wrapper: ReturnType<typeof mount>, key: string, stars: number): Promise<void> {
  await wrapper.findAll(`${testid(`h5-survey-rate-${key}`)} [role="radio"]`)[stars - 1]!.trigger('click');
}

beforeEach(() => {
  setActivePinia(createPinia());
  setLocale('zh-CN');
  Object.values(api).forEach((fn) => fn.mockReset());
  Object.values(toast).forEach((fn) => fn.mockReset());
});
afterEach(() => {
  mounted?.unmount();
  mounted = null;
  document.body.innerHTML = '';
});

describe('rating the service on the phone', () => {
  it('takes the stars and a comment, sends them from the H5 channel and shows until when they can change', async () => {
    useSessionStore().signedIn(NURSE);
    api.getTicketSurvey.mockResolvedValue(survey());
    api.answerSurvey.mockImplementation(async (_id: number, body: { scores: Record<string, number>; comment: string }) =>
      survey({ status: 'answered', scores: body.scores, comment: body.comment, answered_at: new Date().toISOString(), editable_until: later(3_600_000) }),
    );
    const { wrapper } = await show(SurveyCard);
    const card = () => wrapper.get(testid('h5-survey'));
    expect(card().attributes('data-state')).toBe('open');
    expect(card().text()).toContain('打印机稳定性');

    await tapStar(wrapper, 'technical', 4);
    await wrapper.get(testid('h5-survey-submit')).trigger('click');
    await flushPromises();
    expect(api.answerSurvey).not.toHaveBeenCalled();
    expect(wrapper.get(testid('h5-survey-q-attitude')).text()).toContain('请为「服务态度」打分');
    expect(wrapper.get(testid('h5-survey-q-technical')).text()).toContain('满意');

    await tapStar(wrapper, 'response', 4);
    await tapStar(wrapper, 'attitude', 2);
    expect(wrapper.get(testid('h5-survey-q-attitude')).text()).toContain('不满意');
    await wrapper.get(`${testid('h5-survey-comment')} textarea`).setValue('工程师态度不太好');
    await wrapper.get(testid('h5-survey-submit')).trigger('click');
    await flushPromises();

    // the extra question was left unrated: it is optional and not sent
    expect(api.answerSurvey).toHaveBeenCalledWith(5, { scores: { technical: 4, response: 4, attitude: 2 }, comment: '工程师态度不太好', channel: 'h5' });
    expect(card().attributes('data-state')).toBe('editable');
    expect(wrapper.get(testid('h5-survey-score-attitude')).text()).toContain('2 分');
    expect(wrapper.find(testid('h5-survey-score-reliability')).exists()).toBe(false);
    expect(wrapper.get(testid('h5-survey-editable')).text()).toMatch(/^可修改至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(toast.showSuccessToast).toHaveBeenCalledWith('感谢您的评价');

    await wrapper.get(testid('h5-survey-edit')).trigger('click');
    expect(card().attributes('data-state')).toBe('editable');
    expect(wrapper.get(testid('h5-survey-submit')).text()).toBe('保存修改');
  });

  it('says so and shows the survey as it is when the answer came too late', async () => {
    useSessionStore().signedIn(NURSE);
    api.getTicketSurvey.mockResolvedValueOnce(survey()).mockResolvedValueOnce(survey({ status: 'expired', can_answer: false }));
    api.answerSurvey.mockRejectedValue(new ApiError(409, 'survey.expired', '评价已过期，感谢您的关注'));
    const { wrapper } = await show(SurveyCard);
    for (const key of ['technical', 'response', 'attitude']) await tapStar(wrapper, key, 5);
    await wrapper.get(testid('h5-survey-submit')).trigger('click');
    await flushPromises();
    expect(api.getTicketSurvey).toHaveBeenCalledTimes(2);
    expect(wrapper.get(testid('h5-survey')).attributes('data-state')).toBe('expired');
    expect(toast.showFailToast).toHaveBeenCalledWith(expect.objectContaining({ message: '评价已过期，感谢您的关注' }));
  });

  it('shows IT staff the answer, never the stars to tap', async () => {
    useSessionStore().signedIn(AGENT);
    api.getTicketSurvey.mockResolvedValue(
      survey({ status: 'answered', scores: { technical: 5, response: 5, attitude: 4 }, comment: '很快', answered_at: '2026-03-02T10:00:00+08:00', editable_until: later(3_600_000) }),
    );
    const { wrapper } = await show(SurveyCard);
    expect(wrapper.get(testid('h5-survey')).attributes('data-state')).toBe('answered');
    expect(wrapper.find(testid('h5-survey-edit')).exists()).toBe(false);
    expect(wrapper.get(testid('h5-survey-said')).text()).toBe('很快');
  });

  it('shows nothing while the ticket has no survey', async () => {
    useSessionStore().signedIn(NURSE);
    api.getTicketSurvey.mockResolvedValue(null);
    const { wrapper } = await show(SurveyCard);
    expect(wrapper.find(testid('h5-survey')).exists()).toBe(false);
  });
});

describe('surveys waiting on "my tickets"', () => {
  it('lists the ones the nurse can still answer, each opening its ticket at the survey', async () => {
    useSessionStore().signedIn(NURSE);
    api.listSurveys.mockResolvedValue({
      count: 3,
      next: null,
      previous: null,
      results: [
        survey(),
        survey({ id: 6, ticket: { id: 8, number: 'INC-20260302-0008', title: 'HIS 登录慢' }, can_answer: false }),
        survey({ id: 7, ticket: { id: 9, number: 'INC-20260302-0009', title: '扫码枪' }, expires_at: '2020-01-01T00:00:00+08:00' }),
      ],
    });
    const { wrapper, router } = await show(PendingSurveys, '/tickets');
    expect(api.listSurveys).toHaveBeenCalledWith({ status: 'pending', page_size: 20 });
    const rows = wrapper.findAll(testid('h5-pending-survey'));
    expect(rows).toHaveLength(1);
    expect(wrapper.get(testid('h5-pending-surveys')).text()).toContain('1 张工单等待您的评价');
    await rows[0]!.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/tickets/7?survey=1');
  });

  it('shows nothing when none waits', async () => {
    useSessionStore().signedIn(NURSE);
    api.listSurveys.mockResolvedValue({ count: 0, next: null, previous: null, results: [] });
    const { wrapper } = await show(PendingSurveys, '/tickets');
    expect(wrapper.find(testid('h5-pending-surveys')).exists()).toBe(false);
  });
});
