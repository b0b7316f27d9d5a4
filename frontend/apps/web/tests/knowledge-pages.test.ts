import type * as ApiModule from '@hitsm/api';
import { ApiError, type KnowledgeArticle, type KnowledgeArticleBrief, type Me, type TicketAssistant } from '@hitsm/api';
import { Editor } from '@tiptap/core';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import { articleExtensions, bodyHtml, isWebUrl } from '@/components/knowledge/editor-extensions';
import RichTextEditor from '@/components/knowledge/rich-text-editor.vue';
import TicketKnowledge from '@/components/knowledge/ticket-knowledge.vue';
import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import { articleActions, articleChanges, articleForm, changedSincePublished } from '@/views/knowledge/editor/use-article-editor';
import { channelBars, rateText, share } from '@/views/knowledge/questions/stats-format';

import { detail } from './fixtures';

const api = vi.hoisted(() => ({
  uploadKnowledgeImage: vi.fn(),
  getKnowledgeArticle: vi.fn(),
  sendKnowledgeFeedback: vi.fn(),
  listKnowledgeArticles: vi.fn(),
  listKnowledgeCategories: vi.fn(),
  getTicketAssistant: vi.fn(),
  createArticleFromTicket: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof ApiModule>()), ...api }));

const testid = (id: string) => `[data-testid="${id}"]`;

function article(patch: Partial<KnowledgeArticle> = {}): KnowledgeArticle {
  return {
    id: 7,
    slug: 'printer-jam',
    title: '打印机卡纸怎么处理',
    summary: '先关机，再取纸',
    body: '<h3>现象</h3><p>卡纸</p><p class="figure">【截图】前盖位置</p>',
    category: 3,
    category_name: '打印机',
    tags: ['打印机'],
    keywords: ['卡纸'],
    audience: 'all',
    status: 'published',
    version: 2,
    author_name: '张工',
    reviewer_name: '赵主任',
    published_at: '2026-03-01T08:00:00+08:00',
    view_count: 12,
    helpful_count: 3,
    unhelpful_count: 1,
    catalog_items: [],
    configuration_items: [5],
    problems: [],
    problem_details: [],
    source_ticket: null,
    created_at: '2026-02-01T08:00:00+08:00',
    updated_at: '2026-03-01T08:00:00+08:00',
    ...patch,
  };
}

function signIn(roles: string[]): void {
  useSessionStore().signedIn({ id: 9, username: 'someone', roles, is_superuser: false, navigation: [] } as unknown as Me);
}

const mounted: ReturnType<typeof mount>[] = [];
async function openAt(path: string, component: unknown, name: string, pattern: string) {
  const stub = { render: () => h('div') };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: pattern, name, component: component as never },
      { path: '/', name: 'home', component: stub },
      { path: '/knowledge', name: 'knowledge', component: stub },
      { path: '/knowledge/articles/:id(\\d+)', name: 'knowledge_article', component: stub },
      { path: '/admin/knowledge/:id(\\d+)', name: 'knowledge_editor', component: stub },
      { path: '/tickets/new', name: 'new_ticket', component: stub },
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: stub },
    ].filter((route, index, all) => all.findIndex((other) => other.name === route.name) === index),
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
});
afterEach(async () => {
  await flushPromises();
  mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  document.body.innerHTML = '';
});

describe('the article editor rules', () => {
  it('saves only what changed, trimmed, and everything for a new article', () => {
    const saved = article();
    const form = articleForm(saved);
    expect(articleChanges(form, saved)).toEqual({});
    form.title = '  打印机卡纸了怎么办 ';
    form.keywords = ['卡纸', '夹纸'];
    expect(articleChanges(form, saved)).toEqual({ title: '打印机卡纸了怎么办', keywords: ['卡纸', '夹纸'] });
    const fresh = articleForm(null, '未答上的问题');
    expect(fresh.title).toBe('未答上的问题');
    expect(Object.keys(articleChanges(fresh, null))).toHaveLength(10);
  });

  it('offers submit to writers and publish, retire and delete to reviewers only', () => {
    expect(articleActions('draft', false)).toEqual({ submit: true, publish: false, retire: false, remove: false });
    expect(articleActions('review', false)).toEqual({ submit: false, publish: false, retire: false, remove: false });
    expect(articleActions('review', true)).toEqual({ submit: false, publish: true, retire: false, remove: true });
    expect(articleActions('published', true)).toEqual({ submit: false, publish: false, retire: true, remove: false });
    expect(articleActions('published', true, true)).toEqual({ submit: false, publish: true, retire: true, remove: false });
    expect(changedSincePublished({ published_at: '2026-03-01T08:00:00.000+08:00', updated_at: '2026-03-01T08:00:00.004+08:00' })).toBe(false);
    expect(changedSincePublished({ published_at: '2026-03-01T08:00:00+08:00', updated_at: '2026-03-02T08:00:00+08:00' })).toBe(true);
    expect(changedSincePublished({ published_at: null, updated_at: '2026-03-02T08:00:00+08:00' })).toBe(false);
    expect(articleActions('retired', true)).toEqual({ submit: false, publish: true, retire: false, remove: true });
    expect(articleActions(null, true)).toEqual({ submit: false, publish: false, retire: false, remove: false });
  });
});

describe('the self-service numbers', () => {
  it('formats the deflection rate and says when there is none', () => {
    expect(rateText(0.4567, 'zh-CN')).toBe('45.7%');
    expect(rateText(null, 'zh-CN')).toBeNull();
    expect(share(1, 3)).toBe(33.3);
    expect(share(1, 0)).toBe(0);
  });

  it('lists the channels busiest first with their share', () => {
    expect(channelBars({ questions: 10, by_channel: { web: 3, h5: 6, wecom: 1 } })).toEqual([
      { channel: 'h5', count: 6, percent: 60 },
      { channel: 'web', count: 3, percent: 30 },
      { channel: 'wecom', count: 1, percent: 10 },
    ]);
  });
});

describe('the article editor writes what the server keeps', () => {
  function roundTrip(html: string): string {
    const editor = new Editor({ extensions: articleExtensions(), content: html });
    const out = bodyHtml(editor.getHTML());
    editor.destroy();
    return out;
  }

  it('keeps screenshot captions, drops other classes and strikethrough', () => {
    expect(roundTrip('<p class="figure">截图</p><p class="lead">正文</p>')).toBe('<p class="figure">截图</p><p>正文</p>');
    expect(roundTrip('<p><s>旧</s>新</p>')).toBe('<p>旧新</p>');
    expect(roundTrip('<h3>现象</h3><ol><li>关机</li></ol>')).toBe('<h3>现象</h3><ol><li><p>关机</p></li></ol>');
  });

  it('accepts only web and mail links', () => {
    expect(roundTrip('<p><a href="javascript:alert(1)">x</a></p>')).toBe('<p>x</p>');
    expect(isWebUrl('https://wiki.hospital.example/a')).toBe(true);
    expect(isWebUrl('mailto:it@hospital.example')).toBe(false);
    expect(isWebUrl('mailto:it@hospital.example', { mail: true })).toBe(true);
    expect(isWebUrl('ftp://x')).toBe(false);
    expect(bodyHtml('<p></p>')).toBe('');
    expect(bodyHtml('<h3>a</h3><p></p><p></p>')).toBe('<h3>a</h3>');
  });
});

describe('the rich-text editor', () => {
  // ProseMirror measures ranges to scroll the selection into view; jsdom has no layout.
  beforeAll(() => {
    const empty = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
    Range.prototype.getClientRects ??= empty;
    Range.prototype.getBoundingClientRect ??= () => new DOMRect();
  });

  it('shows the body with a toolbar and turns a paragraph into a screenshot caption', async () => {
    const wrapper = mount(RichTextEditor, {
      props: { modelValue: '<p>front cover</p>', 'onUpdate:modelValue': (value: string) => wrapper.setProps({ modelValue: value }) },
      global: { plugins: [ElementPlus, i18n] },
      attachTo: document.body,
    });
    mounted.push(wrapper);
    await flushPromises();
    expect(wrapper.get(testid('kb-editor-content')).text()).toBe('front cover');
    expect(wrapper.get(testid('kb-tool-figure')).text()).toBe('截图说明');
    expect(wrapper.get(testid('kb-tool-row_add')).attributes('disabled')).toBeDefined();

    await wrapper.get(testid('kb-tool-figure')).trigger('click');
    await flushPromises();
    expect(wrapper.props('modelValue')).toBe('<p class="figure">front cover</p>');
    expect(wrapper.get(testid('kb-tool-figure')).attributes('aria-pressed')).toBe('true');

    await wrapper.setProps({ modelValue: '<h3>Steps</h3>' });
    expect(wrapper.get(testid('kb-editor-content')).html()).toContain('<h3>Steps</h3>');
  });
  it('uploads a chosen picture for its article and puts it in the body', async () => {
    api.uploadKnowledgeImage.mockResolvedValue({
      id: 12,
      article: 7,
      url: '/api/v1/knowledge/images/12/download/',
      original_name: '后盖.png',
      content_type: 'image/png',
      size: 10,
      width: 4,
      height: 4,
    });
    const wrapper = mount(RichTextEditor, {
      props: { modelValue: '<p>步骤</p>', articleId: 7, 'onUpdate:modelValue': (value: string) => wrapper.setProps({ modelValue: value }) },
      global: { plugins: [ElementPlus, i18n] },
      attachTo: document.body,
    });
    mounted.push(wrapper);
    await flushPromises();
    const input = wrapper.get(testid('kb-image-input')).element as HTMLInputElement;
    const picture = new File([new Uint8Array(10)], '后盖.png', { type: 'image/png' });
    Object.defineProperty(input, 'files', { value: [picture], configurable: true });
    await wrapper.get(testid('kb-image-input')).trigger('change');
    await flushPromises();
    expect(api.uploadKnowledgeImage).toHaveBeenCalledWith(picture, 7);
    expect(wrapper.props('modelValue')).toContain('<img src="/api/v1/knowledge/images/12/download/" alt="后盖">');
  });
});

describe('the ticket information assistant', () => {
  const ASSISTANT: TicketAssistant = {
    similar: { last_30_days: 2, last_90_days: 5, last_365_days: 11 },
    handlers: [{ user_id: 4, name: '张工', count: 6 }],
    resolutions: [
      { ticket_id: 12, number: 'INC-1', title: '打印机卡纸', resolution_code: 'fixed', resolution_notes: '清理搓纸轮', resolved_by: '张工', resolved_at: '2026-02-01T09:00:00+08:00' },
    ],
    articles: [{ id: 7, title: '打印机卡纸怎么处理', summary: '', score: 3.2 }],
    known_errors: [{ ticket_id: 30, number: 'PRB-1', title: '门诊打印机搓纸轮老化', status: 'in_progress' }],
  };

  async function mountAssistant(status: string) {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', name: 'home', component: { render: () => h('div') } },
        { path: '/tickets/:id(\\d+)', name: 'ticket', component: { render: () => h('div') } },
        { path: '/knowledge/articles/:id(\\d+)', name: 'knowledge_article', component: { render: () => h('div') } },
        { path: '/admin/knowledge/:id(\\d+)', name: 'knowledge_editor', component: { render: () => h('div') } },
      ],
    });
    await router.push('/');
    const wrapper = mount(TicketKnowledge, {
      props: { ticket: detail({ status: status as never }) },
      global: { plugins: [ElementPlus, i18n, router] },
    });
    mounted.push(wrapper);
    await flushPromises();
    return { wrapper, router };
  }

  it('shows similar tickets, articles, known errors, resolutions and handlers', async () => {
    api.getTicketAssistant.mockResolvedValue(ASSISTANT);
    const { wrapper } = await mountAssistant('in_progress');
    expect(api.getTicketAssistant).toHaveBeenCalledWith(7);
    expect(wrapper.get(testid('ticket-assistant-similar')).text()).toContain('11');
    expect(wrapper.get(testid('ticket-assistant-articles')).get('a').attributes('href')).toBe('/knowledge/articles/7');
    expect(wrapper.get(testid('ticket-assistant-known-errors')).text()).toContain('PRB-1');
    expect(wrapper.get(testid('ticket-assistant-resolutions')).text()).toContain('清理搓纸轮');
    expect(wrapper.get(testid('ticket-assistant-handlers')).text()).toContain('6 次');
    // Knowledge capture only once the ticket is resolved.
    expect(wrapper.find(testid('ticket-make-article')).exists()).toBe(false);
  });

  it('drafts an article from a resolved ticket and opens it in the editor', async () => {
    api.getTicketAssistant.mockResolvedValue(ASSISTANT);
    api.createArticleFromTicket.mockResolvedValue(article({ id: 51, status: 'draft' }));
    const { wrapper, router } = await mountAssistant('resolved');
    await wrapper.get(testid('ticket-make-article')).trigger('click');
    await flushPromises();
    expect(api.createArticleFromTicket).toHaveBeenCalledWith(7);
    expect(router.currentRoute.value.fullPath).toBe('/admin/knowledge/51');
  });
});

describe('reading an article', () => {
  it('shows the body with its captions, category, views, and takes a vote once', async () => {
    signIn(['requester']);
    api.getKnowledgeArticle.mockResolvedValue(article());
    api.sendKnowledgeFeedback.mockResolvedValue(undefined);
    const Page = (await import('@/views/knowledge/article/index.vue')).default;
    const { wrapper } = await openAt('/knowledge/articles/7', Page, 'knowledge_article', '/knowledge/articles/:id(\\d+)');
    expect(wrapper.get(testid('kb-article-title')).text()).toBe('打印机卡纸怎么处理');
    expect(wrapper.get(testid('kb-article-body')).find('p.figure').text()).toContain('前盖位置');
    expect(wrapper.get(testid('kb-article-meta')).text()).toContain('打印机');
    expect(wrapper.get(testid('kb-article-meta')).text()).toContain('浏览 12');
    expect(wrapper.find(testid('kb-article-edit')).exists()).toBe(false);

    await wrapper.get(testid('kb-helpful-no')).trigger('click');
    await flushPromises();
    expect(api.sendKnowledgeFeedback).toHaveBeenCalledWith(7, false);
    expect(wrapper.get(testid('kb-feedback-thanks')).text()).toContain('感谢反馈');
    expect(wrapper.find(testid('kb-helpful-yes')).exists()).toBe(false);
  });

  it('says so when the article is retired or not for this reader', async () => {
    signIn(['requester']);
    api.getKnowledgeArticle.mockRejectedValue(new ApiError(404, 'not_found', '未找到'));
    const Page = (await import('@/views/knowledge/article/index.vue')).default;
    const { wrapper } = await openAt('/knowledge/articles/9', Page, 'knowledge_article', '/knowledge/articles/:id(\\d+)');
    expect(wrapper.text()).toContain('文章不存在或已下线');
  });
});

describe('the knowledge home', () => {
  const rows: KnowledgeArticleBrief[] = [
    {
      id: 7,
      slug: 'a',
      title: '打印机卡纸怎么处理',
      summary: '',
      category: 3,
      category_name: '打印机',
      tags: [],
      audience: 'all',
      status: 'published',
      version: 1,
      view_count: 40,
      helpful_count: 0,
      unhelpful_count: 0,
      published_at: null,
      updated_at: '2026-03-01T08:00:00+08:00',
    },
  ];

  it('starts with the most read articles and the category tree with counts, then filters by a category', async () => {
    signIn(['requester']);
    api.listKnowledgeArticles.mockResolvedValue({ count: 1, results: rows });
    api.listKnowledgeCategories.mockResolvedValue([
      { id: 1, code: 'hardware', name: '硬件', parent: null, order: 1, article_count: 1 },
      { id: 3, code: 'printer', name: '打印机', parent: 1, order: 1, article_count: 4 },
    ]);
    const Page = (await import('@/views/knowledge/home/index.vue')).default;
    const { wrapper, router } = await openAt('/knowledge', Page, 'knowledge', '/knowledge');
    expect(api.listKnowledgeArticles).toHaveBeenCalledWith({ status: 'published', page_size: 10, ordering: '-view_count' });
    expect(wrapper.text()).toContain('热门文章');
    expect(wrapper.get(testid('kb-article-list')).text()).toContain('打印机卡纸怎么处理');
    expect(wrapper.get(testid('kb-category-1')).text()).toContain('5');

    await wrapper.get(testid('kb-category-1')).trigger('click');
    await flushPromises();
    expect(api.listKnowledgeArticles).toHaveBeenLastCalledWith({ status: 'published', page_size: 10, page: 1, category: 1 });
    expect(router.currentRoute.value.query).toEqual({ category: '1' });
    expect(wrapper.text()).toContain('「硬件」下的文章');
  });
});
