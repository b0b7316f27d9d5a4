import type * as ApiModule from '@hitsm/api';
import { ApiError, type CatalogItem, type CatalogMenu, type CatalogMenuItem, type FormSchema, type Me, type TicketDetail } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import TicketFormAnswers from '@/components/ticket/ticket-form-answers.vue';
import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import { expectationBasis, expectationText } from '@/views/catalog/catalog-format';
import ExpectationsCard from '@/views/catalog/item/components/expectations-card.vue';

import { detail } from './fixtures';

const api = vi.hoisted(() => ({
  getCatalogMenu: vi.fn(),
  setCatalogFavourite: vi.fn(),
  getCatalogItem: vi.fn(),
  getCatalogItemForm: vi.fn(),
  getCatalogExpectations: vi.fn(),
  getCatalogAssistant: vi.fn(),
  submitCatalogItem: vi.fn(),
  getUser: vi.fn(),
  listUsers: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof ApiModule>()), ...api }));

const testid = (id: string) => `[data-testid="${id}"]`;

function menuItem(id: number, patch: Partial<CatalogMenuItem> = {}): CatalogMenuItem {
  return {
    id,
    code: `item_${id}`,
    name: `服务${id}`,
    description: '说明',
    kind: 'request',
    icon: 'Key',
    category: 1,
    approval_required: false,
    has_form: true,
    is_favourite: false,
    ...patch,
  };
}

function menu(patch: Partial<CatalogMenu> = {}): CatalogMenu {
  const vpn = menuItem(1, { name: 'VPN 开通', is_favourite: true });
  const printer = menuItem(2, { name: '打印机故障', kind: 'incident' });
  return {
    favourites: [vpn],
    frequent: [],
    categories: [{ id: 1, name: '账号与权限', icon: 'User', description: '', items: [vpn, printer] }],
    ...patch,
  };
}

function signIn(roles: string[]): void {
  useSessionStore().signedIn({
    id: 9,
    username: 'someone',
    display_name: '某人',
    roles,
    is_superuser: false,
    phone_ext: '8801',
    navigation: [{ key: 'catalog', path: '/catalog', icon: 'Menu' }],
  } as unknown as Me);
}

async function openAt(path: string) {
  const Menu = (await import('@/views/catalog/menu/index.vue')).default;
  const Item = (await import('@/views/catalog/item/index.vue')).default;
  const stub = { render: () => h('div') };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/catalog', name: 'catalog', component: Menu },
      { path: '/catalog/items/:id(\\d+)', name: 'catalog_item', component: Item },
      { path: '/', name: 'home', component: stub },
      { path: '/tickets/new', name: 'new_ticket', component: stub },
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: stub },
    ],
  });
  await router.push(path);
  const wrapper = mount(defineComponent({ render: () => h(RouterView) }), {
    global: { plugins: [ElementPlus, i18n, router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, router };
}

beforeEach(() => {
  setLocale('zh-CN');
  setActivePinia(createPinia());
  vi.clearAllMocks();
  itemApis();
});
afterEach(() => {
  document.body.innerHTML = '';
});

describe('service menu page', () => {
  it('shows favourites, the frequent row and every category, and opens an item', async () => {
    signIn(['requester']);
    api.getCatalogMenu.mockResolvedValue(menu());
    const { wrapper, router } = await openAt('/catalog');
    expect(api.getCatalogMenu).toHaveBeenCalledWith('', null);
    expect(wrapper.get(testid('catalog-favourites')).text()).toContain('VPN 开通');
    expect(wrapper.get(testid('catalog-frequent')).text()).toContain('您提交过的服务');
    const category = wrapper.get(testid('catalog-category-1'));
    expect(category.text()).toContain('账号与权限');
    expect(category.text()).toContain('打印机故障');
    expect(category.text()).toContain('故障');
    expect(wrapper.find(testid('catalog-for-user')).exists()).toBe(false);

    await category.get(testid('catalog-card-item_2')).trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/catalog/items/2');
  });

  it('stars an item without opening it and reloads the menu', async () => {
    signIn(['requester']);
    api.getCatalogMenu.mockResolvedValue(menu());
    api.setCatalogFavourite.mockResolvedValue(undefined);
    const { wrapper, router } = await openAt('/catalog');
    await wrapper.get(`${testid('catalog-category-1')} ${testid('catalog-card-item_2')} ${testid('catalog-star')}`).trigger('click');
    await flushPromises();
    expect(api.setCatalogFavourite).toHaveBeenCalledWith(2, true);
    expect(api.getCatalogMenu).toHaveBeenCalledTimes(2);
    expect(router.currentRoute.value.name).toBe('catalog');
  });

  it('searches after a pause and says when nothing matches', async () => {
    vi.useFakeTimers();
    try {
      signIn(['requester']);
      api.getCatalogMenu.mockResolvedValueOnce(menu()).mockResolvedValue(menu({ favourites: [], categories: [] }));
      const { wrapper, router } = await openAt('/catalog');
      await wrapper.get(testid('catalog-search')).setValue('网络');
      expect(api.getCatalogMenu).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(350);
      await flushPromises();
      expect(api.getCatalogMenu).toHaveBeenLastCalledWith('网络', null);
      expect(wrapper.get(testid('catalog-empty')).text()).toContain('没有找到与「网络」相关的服务');
      expect(router.currentRoute.value.query).toEqual({ q: '网络' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('offers IT staff a requester and loads that person menu from the address', async () => {
    signIn(['agent']);
    api.getCatalogMenu.mockResolvedValue(menu());
    api.getUser.mockResolvedValue({ id: 5, username: 'lab_sun', display_name: '孙检验师', department: { id: 3, name: '检验科' } });
    const { wrapper, router } = await openAt('/catalog?for_user=5');
    expect(wrapper.find(testid('catalog-for-user')).exists()).toBe(true);
    expect(api.getCatalogMenu).toHaveBeenCalledWith('', 5);
    expect(wrapper.get(testid('catalog-for-user-hint')).text()).toContain('孙检验师');
    // Stars are one's own: not offered on someone else's menu.
    expect(wrapper.find(testid('catalog-star')).exists()).toBe(false);
    await wrapper.get(testid('catalog-card-item_2')).trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/catalog/items/2?for_user=5');
  });
});

const SCHEMA: FormSchema = {
  fields: [
    {
      key: 'need_vpn',
      type: 'radio',
      label: '是否需要 VPN',
      required: true,
      options: [
        { value: 'yes', label: '需要' },
        { value: 'no', label: '不需要' },
      ],
    },
    {
      key: 'reason',
      type: 'text',
      label: '申请原因',
      required: true,
      visible_when: { match: 'all', rules: [{ field: 'need_vpn', op: 'eq', value: 'yes' }] },
    },
  ],
};

function item(patch: Partial<CatalogItem> = {}): CatalogItem {
  return {
    id: 4,
    code: 'vpn',
    name: 'VPN 开通',
    description: '为远程办公开通 VPN',
    kind: 'request',
    icon: 'Key',
    category: 1,
    category_name: '账号与权限',
    default_impact: 3,
    default_urgency: 3,
    approval_required: false,
    is_favourite: false,
    ...patch,
  } as CatalogItem;
}

const EXPECTED = {
  priority: 4,
  policy_name: '检验科服务协议',
  calendar_name: '5×8 工作日',
  response_minutes: 30,
  resolution_minutes: 480,
  response_due_at: null,
  resolution_due_at: null,
};

function itemApis(): void {
  api.getCatalogItem.mockResolvedValue(item());
  api.getCatalogItemForm.mockResolvedValue({ form_id: 2, version_id: 8, version: 3, schema: SCHEMA });
  api.getCatalogExpectations.mockResolvedValue(EXPECTED);
  api.getCatalogAssistant.mockResolvedValue({
    total: 12,
    last_90_days: 4,
    resolved: 11,
    median_resolution_minutes: 95,
    handlers: [],
    recent_resolutions: [],
    knowledge: [],
  });
}

describe('service item page', () => {
  it('says the expected times before submitting and re-asks when the urgency changes', async () => {
    signIn(['requester']);
    itemApis();
    const { wrapper } = await openAt('/catalog/items/4');
    expect(wrapper.get(testid('catalog-item-name')).text()).toBe('VPN 开通');
    expect(wrapper.get(testid('catalog-expectations-text')).text()).toBe('预计 30 分钟内响应，8 小时内解决');
    expect(wrapper.get(testid('catalog-expectations-basis')).text()).toContain('检验科服务协议');
    expect(wrapper.get(testid('catalog-assistant')).text()).toContain('1 小时 35 分钟');
    expect(wrapper.find(testid('catalog-assistant-knowledge')).exists()).toBe(true);
    expect(api.getCatalogExpectations).toHaveBeenCalledWith(4, { impact: 3, urgency: 3, department: undefined });

    wrapper.findComponent(ExpectationsCard).vm.$emit('update:urgency', 1);
    await flushPromises();
    expect(api.getCatalogExpectations).toHaveBeenLastCalledWith(4, { impact: 3, urgency: 1, department: undefined });
  });

  it('checks the form first, then submits the cleaned answers and opens the ticket', async () => {
    signIn(['requester']);
    itemApis();
    api.submitCatalogItem.mockResolvedValue({ id: 77, number: 'REQ-1' });
    const { wrapper, router } = await openAt('/catalog/items/4');

    await wrapper.get(testid('catalog-submit')).trigger('click');
    await flushPromises();
    expect(api.submitCatalogItem).not.toHaveBeenCalled();
    expect(wrapper.get(testid('form-error-need_vpn')).text()).toBe('请填写此项');

    await wrapper.get(`${testid('form-field-need_vpn')} input[value="yes"]`).setValue(true);
    await flushPromises();
    await wrapper.get(`${testid('form-field-reason')} input`).setValue('  远程办公 ');
    await wrapper.get(testid('catalog-description')).setValue('周一前开通');
    wrapper.findComponent(ExpectationsCard).vm.$emit('update:impact', 2);
    await flushPromises();
    await wrapper.get(testid('catalog-submit')).trigger('click');
    await flushPromises();
    expect(api.submitCatalogItem).toHaveBeenCalledWith({
      catalog_item: 4,
      form_data: { need_vpn: 'yes', reason: '远程办公' },
      form_files: {},
      description: '周一前开通',
      contact_phone: '8801',
      requester: null,
      impact: 2,
      urgency: null,
    });
    expect(router.currentRoute.value.fullPath).toBe('/tickets/77');
  });

  it('shows the server field errors beside their fields and the rest on top', async () => {
    signIn(['requester']);
    itemApis();
    api.submitCatalogItem.mockRejectedValue(
      new ApiError(400, 'validation_error', '数据有误', { 'form_data.reason': ['至少5个字'], catalog_item: ['该服务项已停用或对报修人不可见'] }),
    );
    const { wrapper, router } = await openAt('/catalog/items/4');
    await wrapper.get(`${testid('form-field-need_vpn')} input[value="yes"]`).setValue(true);
    await flushPromises();
    await wrapper.get(`${testid('form-field-reason')} input`).setValue('远程');
    await wrapper.get(testid('catalog-submit')).trigger('click');
    await flushPromises();
    expect(wrapper.get(testid('form-error-reason')).text()).toBe('至少5个字');
    expect(wrapper.get(testid('catalog-submit-error')).text()).toContain('该服务项已停用或对报修人不可见');
    expect(router.currentRoute.value.name).toBe('catalog_item');
  });

  it('a missing item shows the not-found page', async () => {
    signIn(['requester']);
    itemApis();
    api.getCatalogItem.mockRejectedValue(new ApiError(404, 'not_found', '未找到'));
    const { wrapper } = await openAt('/catalog/items/99');
    expect(wrapper.find(testid('catalog-item-page')).exists()).toBe(false);
  });
});

describe('expected times in words', () => {
  const t = i18n.global.t as (key: string, params?: Record<string, unknown>) => string;
  it('writes the half that has a target, or that there is none', () => {
    setLocale('zh-CN');
    expect(expectationText(t, { response_minutes: null, resolution_minutes: 1440 })).toBe('预计 24 小时内解决');
    expect(expectationText(t, { response_minutes: null, resolution_minutes: null })).toBe('该服务暂无承诺的响应和解决时限');
    expect(expectationBasis(t, { policy_name: '', calendar_name: '7×24', priority: 2 })).toBe('按 P2 优先级的默认时限 · 按「7×24」工作时间计时');
  });
});

describe('ticket form answers', () => {
  it('shows the item, the version and the answers, files by their attachment address', async () => {
    setLocale('zh-CN');
    const ticket = detail({
      catalog_item: { id: 4, code: 'vpn', name: 'VPN 开通' },
      form_version: { id: 8, version: 3, form_name: 'VPN 申请', schema: SCHEMA },
      form_answers: [
        { key: 'need_vpn', label: '是否需要 VPN', type: 'radio', text: '需要' },
        { key: 'badge', label: '工牌', type: 'file', text: '1 个附件', attachments: [42] },
      ],
    } as Partial<TicketDetail>);
    const wrapper = mount(TicketFormAnswers, {
      props: {
        ticket,
        attachments: [{ id: 42, url: '/media/a.png', original_name: 'a.png', kind: 'document', size: 3 } as never],
      },
      global: { plugins: [ElementPlus, i18n] },
    });
    await flushPromises();
    expect(wrapper.get(testid('ticket-form-item')).text()).toBe('VPN 开通');
    expect(wrapper.get(testid('ticket-form-version')).text()).toBe('表单版本 v3');
    expect(wrapper.get(testid('form-display-need_vpn')).text()).toBe('需要');
    expect(wrapper.get(`${testid('form-display-badge')} a`).attributes('href')).toBe('/media/a.png');
  });

  it('shows nothing for a ticket without a form', () => {
    const wrapper = mount(TicketFormAnswers, { props: { ticket: detail({ form_answers: [] } as Partial<TicketDetail>), attachments: [] }, global: { plugins: [ElementPlus, i18n] } });
    expect(wrapper.find(testid('ticket-form-answers')).exists()).toBe(false);
  });
});
