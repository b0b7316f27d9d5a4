import type * as Api from '@hitsm/api';
import type { KnowledgeAnswer, KnowledgeArticleBrief, Me } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView, type Router } from 'vue-router';

import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import KnowledgeArticlePage from '@/views/knowledge/article/index.vue';
import HomePage from '@/views/portal/home/index.vue';
import NewTicketPage from '@/views/servicedesk/new-ticket/index.vue';

const api = vi.hoisted(() => ({
  askKnowledge: vi.fn(),
  reportKnowledgeOutcome: vi.fn(),
  getKnowledgeArticle: vi.fn(),
  sendKnowledgeFeedback: vi.fn(),
  createTicket: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

const testid = (id: string) => `[data-testid="${id}"]`;

function brief(id: number, title: string): KnowledgeArticleBrief {
  return {
    id,
    slug: `a-${id}`,
    title,
    summary: '先关机，打开前盖取出卡住的纸。',
    category: 3,
    category_name: '打印机',
    tags: [],
    audience: 'all',
    status: 'published',
    version: 1,
    view_count: 12,
    helpful_count: 0,
    unhelpful_count: 0,
    published_at: '2026-03-01T08:00:00+08:00',
    updated_at: '2026-03-01T08:00:00+08:00',
  };
}

const answer = (answered: boolean): KnowledgeAnswer => ({
  question_id: 41,
  answered,
  confidence: answered ? 0.78 : 0.45,
  articles: [brief(7, '打印机卡纸怎么处理'), brief(8, '针式发票打印机卡纸')],
});

const Blank = defineComponent({ render: () => h('div') });
let mounted: ReturnType<typeof mount> | null = null;

async function mountAt(path: string): Promise<{ router: Router; wrapper: ReturnType<typeof mount> }> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: HomePage },
      { path: '/catalog', name: 'catalog', component: Blank },
      { path: '/tickets/new', name: 'new-ticket', component: NewTicketPage },
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: Blank },
      { path: '/knowledge', name: 'knowledge', component: Blank },
      { path: '/knowledge/articles/:id(\\d+)', name: 'knowledge-article', component: KnowledgeArticlePage },
    ],
  });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(RouterView, { global: { plugins: [router, i18n] }, attachTo: document.body });
  mounted = wrapper;
  await flushPromises();
  return { router, wrapper };
}

beforeEach(() => {
  window.scrollTo = vi.fn() as unknown as typeof window.scrollTo; // jsdom has no layout
  setActivePinia(createPinia());
  setLocale('zh-CN');
  Object.values(api).forEach((fn) => fn.mockReset());
  useSessionStore().signedIn({ id: 2, username: 'nurse_li', display_name: '李护士', roles: ['requester'], phone_ext: '8301', department: null } as unknown as Me);
  api.reportKnowledgeOutcome.mockResolvedValue({});
  api.createTicket.mockResolvedValue({ id: 99, number: 'INC-20260302-0099' });
});
afterEach(async () => {
  await flushPromises();
  mounted?.unmount();
  mounted = null;
  document.body.innerHTML = '';
});

describe('H5: the knowledge base answers before a report', () => {
  it('answers the home page question; "not solved" leads to the pre-filled form, and the ticket is reported', async () => {
    api.askKnowledge.mockResolvedValue(answer(true));
    const { wrapper, router } = await mountAt('/tickets/new?q=打印机卡纸了');
    expect(api.askKnowledge).toHaveBeenCalledWith('打印机卡纸了', 'h5');
    expect(wrapper.get(testid('kb-answer-card')).text()).toContain('打印机卡纸怎么处理');
    expect(wrapper.find(testid('h5-new-form')).exists()).toBe(false);

    await wrapper.get(testid('kb-solved-no')).trigger('click');
    await flushPromises();
    expect(api.reportKnowledgeOutcome).toHaveBeenCalledWith(41, { outcome: 'unsolved', article: 7 });
    expect((wrapper.get(`${testid('h5-description')} textarea`).element as HTMLTextAreaElement).value).toBe('打印机卡纸了');

    await wrapper.get(testid('h5-new-form')).trigger('submit');
    await flushPromises();
    expect(api.createTicket).toHaveBeenCalledWith(expect.objectContaining({ channel: 'h5', description: '打印机卡纸了' }));
    expect(api.reportKnowledgeOutcome).toHaveBeenLastCalledWith(41, { outcome: 'ticket', ticket: 99 });
    expect(router.currentRoute.value.fullPath).toBe('/tickets/99');
  });

  it('thanks her when it is solved and opens no ticket', async () => {
    api.askKnowledge.mockResolvedValue(answer(true));
    const { wrapper } = await mountAt('/tickets/new');
    await wrapper.get(`${testid('kb-ask-input')} textarea`).setValue('打印机卡纸了');
    await wrapper.get(testid('kb-ask-submit')).trigger('submit');
    await flushPromises();
    await wrapper.get(testid('kb-solved-yes')).trigger('click');
    await flushPromises();
    expect(api.reportKnowledgeOutcome).toHaveBeenCalledWith(41, { outcome: 'solved', article: 7 });
    expect(wrapper.get(testid('kb-solved')).text()).toContain('问题已解决');
    expect(api.createTicket).not.toHaveBeenCalled();
  });

  it('shows the candidates beside the form when nothing answered confidently', async () => {
    api.askKnowledge.mockResolvedValue(answer(false));
    const { wrapper } = await mountAt('/tickets/new?q=护士站电脑蓝屏');
    expect(wrapper.get(testid('kb-candidates')).text()).toContain('针式发票打印机卡纸');
    expect((wrapper.get(`${testid('h5-description')} textarea`).element as HTMLTextAreaElement).value).toBe('护士站电脑蓝屏');
  });

  it('skips straight to the form', async () => {
    const { wrapper } = await mountAt('/tickets/new');
    await wrapper.get(testid('kb-skip')).trigger('click');
    await flushPromises();
    expect(wrapper.find(testid('h5-new-form')).exists()).toBe(true);
    expect(api.askKnowledge).not.toHaveBeenCalled();
  });
});

describe('H5 knowledge pages', () => {
  it('has a knowledge base entry on the home page', async () => {
    const { wrapper } = await mountAt('/');
    expect(wrapper.get(testid('h5-knowledge-entry')).text()).toContain('知识库');
  });

  it('reads an article and takes a vote', async () => {
    api.getKnowledgeArticle.mockResolvedValue({ ...brief(7, '打印机卡纸怎么处理'), body: '<p class="figure">截图</p>', keywords: [], author_name: '', reviewer_name: '' });
    api.sendKnowledgeFeedback.mockResolvedValue(undefined);
    const { wrapper } = await mountAt('/knowledge/articles/7');
    expect(wrapper.get(testid('kb-article-title')).text()).toBe('打印机卡纸怎么处理');
    expect(wrapper.get(testid('kb-article-body')).find('p.figure').exists()).toBe(true);
    await wrapper.get(testid('kb-helpful-yes')).trigger('click');
    await flushPromises();
    expect(api.sendKnowledgeFeedback).toHaveBeenCalledWith(7, true);
    expect(wrapper.get(testid('kb-feedback-thanks')).text()).toContain('感谢反馈');
  });
});
