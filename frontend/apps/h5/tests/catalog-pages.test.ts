import type { CatalogExpectations, CatalogItem, CatalogItemForm, CatalogMenu, CatalogMenuItem, FormSchema } from '@hitsm/api';
import type * as Api from '@hitsm/api';
import { ApiError } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView, type Router } from 'vue-router';

import { i18n, setLocale } from '@/i18n';
import CatalogItemPage from '@/views/catalog/item/index.vue';
import CatalogMenuPage from '@/views/catalog/menu/index.vue';

const api = vi.hoisted(() => ({
  getCatalogMenu: vi.fn(),
  setCatalogFavourite: vi.fn(),
  getCatalogItem: vi.fn(),
  getCatalogItemForm: vi.fn(),
  getCatalogExpectations: vi.fn(),
  submitCatalogItem: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

function menuItem(id: number, patch: Partial<CatalogMenuItem> = {}): CatalogMenuItem {
  return {
    id,
    code: `item-${id}`,
    name: `Item ${id}`,
    description: '',
    kind: 'request',
    icon: '',
    category: 1,
    approval_required: false,
    has_form: true,
    is_favourite: false,
    ...patch,
  };
}

const VPN = menuItem(3, { name: '开通 VPN', description: '远程办公', is_favourite: true });
const PRINTER = menuItem(4, { name: '打印机故障', kind: 'incident', category: 2 });
const ACCOUNT = menuItem(5, { name: 'HIS 账号', approval_required: true });
const MENU: CatalogMenu = {
  favourites: [VPN],
  frequent: [PRINTER],
  categories: [
    { id: 1, name: '账号与权限', icon: '', description: '', items: [VPN, ACCOUNT] },
    { id: 2, name: '硬件', icon: '', description: '', items: [PRINTER] },
  ],
};

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
    { key: 'reason', type: 'text', label: '申请原因', required: true, visible_when: { match: 'all', rules: [{ field: 'need_vpn', op: 'eq', value: 'yes' }] } },
  ],
};

const ITEM = { id: 3, name: '开通 VPN', kind: 'request', category_name: '账号与权限', description: '远程办公', is_favourite: false, approval_required: false } as unknown as CatalogItem;
const FORM: CatalogItemForm = { form_id: 9, version_id: 11, version: 2, schema: SCHEMA };
const EXPECTED: CatalogExpectations = {
  priority: 3,
  policy_name: '',
  calendar_name: '',
  response_minutes: 30,
  resolution_minutes: 240,
  response_due_at: null,
  resolution_due_at: '2026-03-02T12:00:00+08:00',
};

const Blank = defineComponent({ render: () => h('div') });

async function mountAt(path: string): Promise<{ router: Router; wrapper: ReturnType<typeof mount> }> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Blank },
      { path: '/catalog', name: 'catalog', component: CatalogMenuPage },
      { path: '/catalog/items/:id(\\d+)', name: 'catalog-item', component: CatalogItemPage },
      { path: '/tickets/new', name: 'new-ticket', component: Blank },
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: Blank },
    ],
  });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(RouterView, { global: { plugins: [router, i18n] }, attachTo: document.body });
  await flushPromises();
  mounted = wrapper;
  return { router, wrapper };
}

beforeEach(() => {
  setActivePinia(createPinia());
  setLocale('zh-CN');
  Object.values(api).forEach((fn) => fn.mockReset());
  api.getCatalogMenu.mockResolvedValue(MENU);
  api.setCatalogFavourite.mockResolvedValue(undefined);
  api.getCatalogItem.mockResolvedValue(ITEM);
  api.getCatalogItemForm.mockResolvedValue(FORM);
  api.getCatalogExpectations.mockResolvedValue(EXPECTED);
});
let mounted: ReturnType<typeof mount> | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

describe('H5 service menu', () => {
  it('shows favourites and frequent services as tiles, then every category with its items', async () => {
    const { wrapper } = await mountAt('/catalog');
    expect(api.getCatalogMenu).toHaveBeenCalledWith('');
    expect(wrapper.get('[data-testid="h5-catalog-favourites"]').text()).toContain('开通 VPN');
    expect(wrapper.get('[data-testid="h5-catalog-frequent"]').text()).toContain('打印机故障');
    const accounts = wrapper.get('[data-testid="h5-catalog-category-1"]');
    expect(accounts.text()).toContain('HIS 账号');
    expect(accounts.text()).toContain('服务请求');
    expect(accounts.text()).toContain('需审批');
    expect(wrapper.get('[data-testid="h5-catalog-category-2"]').text()).toContain('故障');
  });

  it('stars an item at once and puts it among the favourites', async () => {
    const { wrapper } = await mountAt('/catalog');
    const star = wrapper.get('[data-testid="h5-catalog-item-5"] [data-testid="h5-catalog-star"]');
    expect(star.attributes('aria-pressed')).toBe('false');
    await star.trigger('click');
    await flushPromises();
    expect(api.setCatalogFavourite).toHaveBeenCalledWith(5, true);
    expect(wrapper.get('[data-testid="h5-catalog-favourites"]').text()).toContain('HIS 账号');
    expect(wrapper.get('[data-testid="h5-catalog-item-5"] [data-testid="h5-catalog-star"]').attributes('aria-pressed')).toBe('true');
  });

  it('takes the star back when the server refuses', async () => {
    api.setCatalogFavourite.mockRejectedValue(new ApiError(400, 'validation_error', '该服务项对您不可见'));
    const { wrapper } = await mountAt('/catalog');
    await wrapper.get('[data-testid="h5-catalog-item-3"] [data-testid="h5-catalog-star"]').trigger('click');
    await flushPromises();
    expect(api.setCatalogFavourite).toHaveBeenCalledWith(3, false);
    expect(wrapper.get('[data-testid="h5-catalog-favourites"]').text()).toContain('开通 VPN');
  });

  it('searches on the server and offers a plain report when nothing matches', async () => {
    api.getCatalogMenu.mockImplementation(async (q: string) => (q ? { favourites: [], frequent: [], categories: [] } : MENU));
    const { router, wrapper } = await mountAt('/catalog');
    await wrapper.get('[data-testid="h5-catalog-search"] input').setValue('传真机');
    await wrapper.get('[data-testid="h5-catalog-search"] input').trigger('keypress', { keyCode: 13 });
    await flushPromises();
    expect(api.getCatalogMenu).toHaveBeenLastCalledWith('传真机');
    expect(router.currentRoute.value.query.q).toBe('传真机');
    expect(wrapper.get('[data-testid="h5-catalog-no-results"]').text()).toContain('传真机');
    await wrapper.get('[data-testid="h5-catalog-report"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('new-ticket');
    expect(router.currentRoute.value.query.q).toBe('传真机');
  });

  it('opens an item page from the list', async () => {
    const { router, wrapper } = await mountAt('/catalog');
    await wrapper.get('[data-testid="h5-catalog-item-5"] [data-testid="h5-catalog-item"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('catalog-item');
    expect(router.currentRoute.value.params.id).toBe('5');
  });
});

describe('H5 catalog item page', () => {
  async function choose(wrapper: ReturnType<typeof mount>, label: string): Promise<void> {
    const radio = wrapper.findAll('[data-testid="form-field-need_vpn"] .van-radio').find((node) => node.text() === label);
    await radio?.trigger('click');
    await flushPromises();
  }

  it('shows the item, the promised times and its form', async () => {
    const { wrapper } = await mountAt('/catalog/items/3');
    expect(api.getCatalogItem).toHaveBeenCalledWith(3);
    expect(wrapper.get('[data-testid="h5-catalog-item-head"]').text()).toContain('开通 VPN');
    expect(wrapper.get('[data-testid="h5-catalog-expectations"]').text()).toContain('预计 30 分钟内响应 · 4 小时内解决');
    expect(wrapper.get('[data-testid="h5-catalog-expectations"]').text()).toContain('2026-03-02 12:00');
    expect(wrapper.find('[data-testid="form-field-need_vpn"]').exists()).toBe(true);
  });

  it('does not send answers the form itself refuses', async () => {
    const { wrapper } = await mountAt('/catalog/items/3');
    await wrapper.get('[data-testid="h5-catalog-submit"]').trigger('click');
    await flushPromises();
    expect(api.submitCatalogItem).not.toHaveBeenCalled();
    expect(wrapper.get('[data-testid="form-error-need_vpn"]').text()).toBe('请填写此项');
  });

  it('submits the cleaned answers as the H5 channel and opens the new ticket', async () => {
    api.submitCatalogItem.mockResolvedValue({ id: 42, number: 'SR-20260302-0001' });
    const { router, wrapper } = await mountAt('/catalog/items/3');
    await choose(wrapper, '需要');
    await wrapper.get('[data-testid="form-field-reason"] input').setValue('  居家值班  ');
    await wrapper.get('[data-testid="h5-catalog-description"] textarea').setValue('尽快');
    await wrapper.get('[data-testid="h5-catalog-submit"]').trigger('click');
    await flushPromises();
    expect(api.submitCatalogItem).toHaveBeenCalledWith({
      catalog_item: 3,
      form_data: { need_vpn: 'yes', reason: '居家值班' },
      description: '尽快',
      channel: 'h5',
      form_files: {},
    });
    expect(router.currentRoute.value.name).toBe('ticket');
    expect(router.currentRoute.value.params.id).toBe('42');
  });

  it('puts the server’s form_data errors under their fields', async () => {
    api.submitCatalogItem.mockRejectedValue(
      new ApiError(400, 'validation_error', '提交的数据有误', { 'form_data.reason': ['原因太短'], description: ['太长'] }),
    );
    const { router, wrapper } = await mountAt('/catalog/items/3');
    await choose(wrapper, '需要');
    await wrapper.get('[data-testid="form-field-reason"] input').setValue('x');
    await wrapper.get('[data-testid="h5-catalog-submit"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="form-error-reason"]').text()).toBe('原因太短');
    expect(wrapper.get('[data-testid="h5-catalog-description-error"]').text()).toBe('太长');
    expect(router.currentRoute.value.name).toBe('catalog-item');
  });

  it('asks for a description when the item has no form', async () => {
    api.getCatalogItemForm.mockResolvedValue({ form_id: null, version_id: null, version: null, schema: null });
    api.submitCatalogItem.mockResolvedValue({ id: 43, number: 'SR-1' });
    const { wrapper } = await mountAt('/catalog/items/3');
    expect(wrapper.find('[data-testid="form-renderer"]').exists()).toBe(false);
    await wrapper.get('[data-testid="h5-catalog-submit"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="h5-catalog-description-error"]').text()).toBe('请填写补充说明');
    await wrapper.get('[data-testid="h5-catalog-description"] textarea').setValue('三楼护士站需要一台扫码枪');
    await wrapper.get('[data-testid="h5-catalog-submit"]').trigger('click');
    await flushPromises();
    expect(api.submitCatalogItem).toHaveBeenCalledWith(expect.objectContaining({ form_data: {}, description: '三楼护士站需要一台扫码枪' }));
  });

  it('still opens when the promised times cannot be read', async () => {
    api.getCatalogExpectations.mockRejectedValue(new ApiError(500, 'server_error', 'x'));
    const { wrapper } = await mountAt('/catalog/items/3');
    expect(wrapper.find('[data-testid="h5-catalog-item-head"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="h5-catalog-expectations"]').exists()).toBe(false);
  });

  it('says so when the item is not open to the user', async () => {
    api.getCatalogItem.mockRejectedValue(new ApiError(404, 'not_found', '未找到'));
    const { wrapper } = await mountAt('/catalog/items/99');
    expect(wrapper.get('[data-testid="h5-catalog-missing"]').text()).toContain('该服务项不存在');
  });
});
