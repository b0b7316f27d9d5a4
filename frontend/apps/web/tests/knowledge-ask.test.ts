import type * as ApiModule from '@hitsm/api';
import type { KnowledgeAnswer, KnowledgeArticleBrief, Me } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import NewTicketPage from '@/views/servicedesk/new-ticket/index.vue';

const api = vi.hoisted(() => ({
  askKnowledge: vi.fn(),
  reportKnowledgeOutcome: vi.fn(),
  getKnowledgeArticle: vi.fn(),
  createTicket: vi.fn(),
  listCategories: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof ApiModule>()), ...api }));

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

const PAPER_JAM = brief(7, '打印机卡纸怎么处理');
const answered = (ok: boolean): KnowledgeAnswer => ({
  question_id: 41,
  answered: ok,
  confidence: ok ? 0.78 : 0.4,
  articles: [PAPER_JAM, brief(8, '针式发票打印机卡纸')],
});

async function openAt(path: string) {
  const stub = { render: () => h('div') };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: stub },
      { path: '/catalog', name: 'catalog', component: stub },
      { path: '/tickets/new', name: 'new_ticket', component: NewTicketPage },
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: stub },
      { path: '/knowledge/articles/:id(\\d+)', name: 'knowledge_article', component: stub },
    ],
  });
  await router.push(path);
  const wrapper = mount(defineComponent({ render: () => h(RouterView) }), {
    global: { plugins: [ElementPlus, i18n, router] },
    attachTo: document.body,
  });
  mounted.push(wrapper);
  await flushPromises();
  return { wrapper, router };
}

beforeEach(() => {
  setLocale('zh-CN');
  setActivePinia(createPinia());
  vi.clearAllMocks();
  useSessionStore().signedIn({ id: 2, username: 'nurse_li', roles: ['requester'], is_superuser: false, phone_ext: '8301', navigation: [] } as unknown as Me);
  api.listCategories.mockResolvedValue([]);
  api.reportKnowledgeOutcome.mockResolvedValue({});
  api.createTicket.mockResolvedValue({ id: 99, number: 'INC-20260302-0099' });
});
const mounted: ReturnType<typeof mount>[] = [];
afterEach(async () => {
  await flushPromises();
  mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  document.body.innerHTML = '';
});

describe('the report page asks the knowledge base first', () => {
  it('plays the acceptance story: printer jam, the article, not solved, a pre-filled ticket', async () => {
    api.askKnowledge.mockResolvedValue(answered(true));
    const { wrapper, router } = await openAt('/tickets/new');
    expect(wrapper.find(testid('new-ticket-form')).exists()).toBe(false);

    await wrapper.get(testid('kb-ask-input')).setValue('打印机卡纸了');
    await wrapper.get(testid('kb-ask-submit')).trigger('submit');
    await flushPromises();
    expect(api.askKnowledge).toHaveBeenCalledWith('打印机卡纸了', 'web');
    const card = wrapper.get(testid('kb-answer-card'));
    expect(card.text()).toContain('打印机卡纸怎么处理');
    expect(card.text()).toContain('解决了吗？');

    await wrapper.get(testid('kb-solved-no')).trigger('click');
    await flushPromises();
    expect(api.reportKnowledgeOutcome).toHaveBeenCalledWith(41, { outcome: 'unsolved', article: 7 });
    expect((wrapper.get(testid('new-description')).element as HTMLTextAreaElement).value).toBe('打印机卡纸了');
    expect((wrapper.get(testid('new-title')).element as HTMLInputElement).value).toBe('打印机卡纸了');

    await wrapper.get(testid('new-ticket-form')).trigger('submit');
    await flushPromises();
    expect(api.createTicket).toHaveBeenCalledWith(expect.objectContaining({ description: '打印机卡纸了', title: '打印机卡纸了', channel: 'web' }));
    expect(api.reportKnowledgeOutcome).toHaveBeenLastCalledWith(41, { outcome: 'ticket', ticket: 99 });
    expect(router.currentRoute.value.fullPath).toBe('/tickets/99');
  });

  it('thanks the nurse when the article solved it, and reports it', async () => {
    api.askKnowledge.mockResolvedValue(answered(true));
    const { wrapper } = await openAt('/tickets/new?q=打印机卡纸了');
    expect(api.askKnowledge).toHaveBeenCalledWith('打印机卡纸了', 'web');
    await wrapper.get(testid('kb-solved-yes')).trigger('click');
    await flushPromises();
    expect(api.reportKnowledgeOutcome).toHaveBeenCalledWith(41, { outcome: 'solved', article: 7 });
    expect(wrapper.get(testid('kb-solved')).text()).toContain('问题已解决');
    expect(api.createTicket).not.toHaveBeenCalled();
  });

  it('goes straight on to the form with the candidates as links when nothing answered', async () => {
    api.askKnowledge.mockResolvedValue(answered(false));
    const { wrapper } = await openAt('/tickets/new?q=打印机怪响');
    expect(wrapper.find(testid('kb-answer-card')).exists()).toBe(false);
    expect(wrapper.get(testid('kb-candidates')).text()).toContain('可能有帮助');
    expect(wrapper.get(testid('kb-candidates')).text()).toContain('针式发票打印机卡纸');
    expect((wrapper.get(testid('new-description')).element as HTMLTextAreaElement).value).toBe('打印机怪响');
  });

  it('never stands in the way: the skip link and a failing service both lead to the form', async () => {
    const { wrapper } = await openAt('/tickets/new');
    await wrapper.get(testid('kb-skip')).trigger('click');
    await flushPromises();
    expect(api.askKnowledge).not.toHaveBeenCalled();
    expect(wrapper.find(testid('new-ticket-form')).exists()).toBe(true);

    api.askKnowledge.mockRejectedValue(new Error('offline'));
    const second = await openAt('/tickets/new?q=网络断了');
    expect(second.wrapper.find(testid('new-ticket-form')).exists()).toBe(true);
    expect(second.wrapper.text()).toContain('暂时无法查找知识库');
    await second.wrapper.get(testid('new-ticket-form')).trigger('submit');
    await flushPromises();
    // No logged question: nothing to report.
    expect(api.reportKnowledgeOutcome).not.toHaveBeenCalled();
  });

  it('asks for a question before searching', async () => {
    const { wrapper } = await openAt('/tickets/new');
    await wrapper.get(testid('kb-ask-submit')).trigger('submit');
    await flushPromises();
    expect(api.askKnowledge).not.toHaveBeenCalled();
    expect(wrapper.text()).toContain('请先描述遇到的问题');
  });
});
