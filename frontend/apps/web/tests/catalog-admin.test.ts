import { catalogAdminApi, type CatalogAdminCategory, type CatalogAdminItem, type NfrRecord, type NfrTotals, type ObashiStats, type SlaPolicy } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';

import { i18n, setLocale } from '@/i18n';
import {
  categoryPath,
  categoryTree,
  cisByLayer,
  descendantIds,
  itemForm,
  itemMatches,
  itemPayload,
  parentChoices,
  policiesForItem,
  reorderChanges,
  tabsWithErrors,
} from '@/views/catalog-admin/items/use-catalog-items';
import NfrTable from '@/views/catalog-admin/records/components/nfr-table.vue';
import { errorAt, errorUnder, unclaimedErrors } from '@/views/catalog-admin/records/field-errors';
import {
  copyToWorkdays,
  dayProblem,
  nextRange,
  nfrForm,
  nfrPayload,
  nfrText,
  patternForm,
  patternPayload,
  quarterHours,
  schedulePayload,
  scheduleRows,
  scheduleRuns,
  totalCells,
} from '@/views/catalog-admin/records/use-records';
import { defaultRange, layerRows, monthTotals, monthsBetween, topSeries } from '@/views/catalog-admin/stats/use-stats';

const category = (id: number, name: string, parent: number | null, sort_order = 100, is_active = true): CatalogAdminCategory => ({
  id,
  code: `c${id}`,
  name,
  parent,
  icon: '',
  description: '',
  sort_order,
  is_active,
  item_count: 0,
});

const CATEGORIES = [
  category(1, '账号与权限', null, 20),
  category(2, '打印机与终端', null, 10),
  category(3, 'HIS 账号', 1, 10),
  category(4, '停用目录', null, 30, false),
  category(5, '停用目录下', 4, 10),
];

describe('menu categories', () => {
  it('builds the tree in menu order and hides inactive branches on request', () => {
    const tree = categoryTree(CATEGORIES);
    expect(tree.map((node) => node.label)).toEqual(['打印机与终端', '账号与权限', '停用目录']);
    expect(tree[1]?.children.map((node) => node.label)).toEqual(['HIS 账号']);
    expect(tree[2]?.children.map((node) => node.label)).toEqual(['停用目录下']);
    expect(categoryTree(CATEGORIES, false).map((node) => node.label)).toEqual(['打印机与终端', '账号与权限']);
  });

  it('never offers a category itself or its descendants as its parent', () => {
    expect(descendantIds(CATEGORIES, 4)).toEqual([5]);
    const ids = (nodes: ReturnType<typeof parentChoices>): number[] => nodes.flatMap((n) => [n.id, ...ids(n.children)]);
    expect(ids(parentChoices(CATEGORIES, 4)).sort()).toEqual([1, 2, 3]);
    expect(categoryPath(CATEGORIES, 3)).toBe('账号与权限 › HIS 账号');
  });

  it('moves a row among its siblings and renumbers only what changes', () => {
    const roots = CATEGORIES.filter((c) => c.parent === null);
    // order: 2 (10), 1 (20), 4 (30); moving 4 up swaps it with 1
    expect(reorderChanges(roots, 4, -1)).toEqual([
      { id: 4, sort_order: 20 },
      { id: 1, sort_order: 30 },
    ]);
    expect(reorderChanges(roots, 2, -1)).toEqual([]);
    expect(reorderChanges(roots, 4, 1)).toEqual([]);
    // equal orders (all 100): ids decide, and every row gets its own number
    const flat = [
      { id: 7, sort_order: 100 },
      { id: 8, sort_order: 100 },
    ];
    expect(reorderChanges(flat, 8, -1)).toEqual([
      { id: 8, sort_order: 10 },
      { id: 7, sort_order: 20 },
    ]);
  });
});

const ITEM = {
  id: 9,
  code: 'lis_account',
  name: 'LIS 账号开通',
  description: '新员工开通 LIS',
  keywords: '检验  账号',
  kind: 'request',
  icon: 'User',
  category: 3,
  category_name: 'HIS 账号',
  sort_order: 20,
  is_active: true,
  departments: [11],
  department_names: ['检验科'],
  roles: ['requester'],
  form: 4,
  form_name: '账号申请',
  form_version: 2,
  ticket_category: null,
  default_impact: 3,
  default_urgency: 2,
  assignment_group: 6,
  assignment_group_name: '应用组',
  approval_required: true,
  configuration_items: [21, 22, 23],
  linked_cis: [
    { id: 21, code: 'BA-LAB', name: '检验申请与报告', class_code: 'business_activity', class_name: '业务活动', layer: 'business' },
    { id: 22, code: 'LIS', name: 'LIS', class_code: 'application', class_name: '应用系统', layer: 'application' },
    { id: 23, code: 'DATA-LABREQ', name: '检验申请', class_code: 'business_data', class_name: '业务数据', layer: 'data' },
  ],
  is_favourite: false,
} as CatalogAdminItem;

describe('catalog item editor', () => {
  it('reads an item into the form and writes it back with the CIs of every layer', () => {
    const form = itemForm(ITEM);
    expect(form.cis).toEqual({ business: [21], data: [23], application: [22] });
    const body = itemPayload(form);
    expect(body).toMatchObject({ code: 'lis_account', keywords: '检验 账号', departments: [11], roles: ['requester'], form: 4, approval_required: true });
    expect([...(body.configuration_items ?? [])].sort()).toEqual([21, 22, 23]);
    expect(cisByLayer(ITEM.linked_cis).application.map((ci) => ci.name)).toEqual(['LIS']);
  });

  it('starts a new item in the chosen category with the usual defaults', () => {
    expect(itemForm(null, 3)).toMatchObject({ category: 3, kind: 'request', default_impact: 3, default_urgency: 2, is_active: true, roles: [] });
  });

  it('names the tabs holding refused fields, dotted keys included', () => {
    expect([...tabsWithErrors({ code: ['已存在'], 'departments.0': ['无效'], configuration_items: ['类型不符'] })].sort()).toEqual([
      'basic',
      'obashi',
      'visibility',
    ]);
  });

  it('lists the SLA policies naming the item in the order the server tries them', () => {
    const policy = (id: number, order: number, items: number[]) => ({ id, order, catalog_items: items }) as unknown as SlaPolicy;
    expect(policiesForItem([policy(1, 50, [9]), policy(2, 10, [9, 4]), policy(3, 5, [4])], 9).map((p) => p.id)).toEqual([2, 1]);
  });

  it('searches name, code, keywords and description', () => {
    expect(itemMatches(ITEM, 'lis 检验')).toBe(true);
    expect(itemMatches(ITEM, '打印')).toBe(false);
  });
});

describe('field errors with dotted keys', () => {
  const fields = { 'stakeholders.0.role': ['请选择干系人角色'], 'stakeholders.1': ['请填写科室、人员或姓名'], 'schedule.mon.0': ['格式'], 'schedule.mon': ['顺序'], other: ['x'] };

  it('finds a cell exactly and a group with everything below it', () => {
    expect(errorAt(fields, 'stakeholders.0.role')).toBe('请选择干系人角色');
    expect(errorAt(fields, 'stakeholders.0')).toBe('');
    expect(errorAt(fields, 'stakeholders.1')).toBe('请填写科室、人员或姓名');
    expect(errorUnder(fields, 'schedule.mon')).toBe('格式 顺序');
    expect(errorUnder(fields, 'schedule.tue')).toBe('');
  });

  it('keeps the messages no field shows for the summary', () => {
    expect(unclaimedErrors(fields, ['stakeholders', 'schedule'])).toEqual(['other: x']);
  });
});

describe('PBA editor', () => {
  it('reads and writes the weekly calendar, sorted, every weekday present', () => {
    const week = scheduleRows({ mon: ['13:30-17:30', '07:30-12:00'], sat: ['08:00-12:00'] });
    expect(week.mon).toEqual([
      { start: '13:30', end: '17:30' },
      { start: '07:30', end: '12:00' },
    ]);
    expect(schedulePayload(week)).toEqual({
      mon: ['07:30-12:00', '13:30-17:30'],
      tue: [],
      wed: [],
      thu: [],
      fri: [],
      sat: ['08:00-12:00'],
      sun: [],
    });
  });

  it('checks a day like the server: format, order and overlap; 24:00 may end a day', () => {
    expect(dayProblem([{ start: '08:00', end: '24:00' }])).toBeNull();
    expect(dayProblem([{ start: '8:00', end: '12:00' }])).toBe('format');
    expect(dayProblem([{ start: '12:00', end: '08:00' }])).toBe('order');
    expect(
      dayProblem([
        { start: '08:00', end: '12:00' },
        { start: '11:00', end: '14:00' },
      ]),
    ).toBe('order');
  });

  it('copies one day to the working week', () => {
    const week = copyToWorkdays(scheduleRows({ wed: ['07:30-12:00'], sat: ['08:00-12:00'] }), 'wed');
    expect(schedulePayload(week)).toMatchObject({ mon: ['07:30-12:00'], fri: ['07:30-12:00'], sat: ['08:00-12:00'], sun: [] });
    expect(scheduleRuns(schedulePayload(week))).toEqual([
      { from: 'mon', to: 'fri', text: '07:30-12:00' },
      { from: 'sat', to: 'sat', text: '08:00-12:00' },
    ]);
  });

  it('adds the next range an hour after the last one, within the day', () => {
    expect(nextRange([])).toEqual({ start: '08:00', end: '12:00' });
    expect(nextRange([{ start: '08:00', end: '12:00' }])).toEqual({ start: '13:00', end: '17:00' });
    expect(nextRange([{ start: '18:00', end: '22:30' }])).toEqual({ start: '23:00', end: '24:00' });
    expect(nextRange([{ start: '18:00', end: '24:00' }])).toBeNull();
    expect(nextRange([{ start: '18:00', end: '' }])).toBeNull();
  });

  it('offers quarter hours and builds the request body', () => {
    expect(quarterHours('23:30', '24:00')).toEqual(['23:30', '23:45', '24:00']);
    const form = patternForm(null, [22]);
    form.code = ' lab ';
    form.name = '检验';
    form.stakeholders.push({ role: 'owner', department: 11, user: null, user_name: '', name: ' 孙主任 ', phone: '' });
    const body = patternPayload(form);
    expect(body).toMatchObject({ code: 'lab', applications: [22], stakeholders: [{ role: 'owner', department: 11, user: null, name: '孙主任', phone: '' }] });
    expect(Object.keys(body.schedule ?? {})).toHaveLength(7);
  });
});

describe('NFR records', () => {
  it('sends decimals as strings and empty boxes as null', () => {
    const form = nfrForm(null, 22);
    form.system_accounts = 120;
    form.yearly_storage_gb = 500.5;
    expect(nfrPayload(form)).toEqual({
      application: 22,
      system_accounts: 120,
      concurrent_accounts: null,
      yearly_storage_gb: '500.50',
      daily_growth_mb: null,
      bandwidth_mbps: null,
      notes: '',
    });
    expect(nfrForm({ application: 22, yearly_storage_gb: '12.50' } as NfrRecord).yearly_storage_gb).toBe(12.5);
    expect(nfrText('1500.50')).toBe('1,500.5');
    expect(nfrText(null)).toBeNull();
  });

  it('marks totals that not every system gave', () => {
    const cells = totalCells({
      applications: 3,
      recorded: { system_accounts: 3, concurrent_accounts: 3, yearly_storage_gb: 2, daily_growth_mb: 0, bandwidth_mbps: 3 },
      totals: { system_accounts: 900, concurrent_accounts: 300, yearly_storage_gb: 1200.5, daily_growth_mb: 0, bandwidth_mbps: 30 },
    });
    expect(cells.system_accounts).toEqual({ sum: '900', recorded: 3, partial: false });
    expect(cells.yearly_storage_gb).toEqual({ sum: '1,200.5', recorded: 2, partial: true });
  });
});

describe('OBASHI statistics', () => {
  const stats: ObashiStats = {
    months: ['2026-01', '2026-03'],
    layers: {
      business: [
        { ci_id: 1, name: '门诊挂号', code: 'BA-REG', class_name: '业务活动', total: 3, by_month: [1, 2] },
        { ci_id: 2, name: '检验申请与报告', code: 'BA-LAB', class_name: '业务活动', total: 5, by_month: [5, 0] },
      ],
      data: [],
      application: [],
    },
  };

  it('defaults to the last twelve months and lists every month of a range', () => {
    expect(defaultRange(new Date(2026, 2, 15))).toEqual(['2025-04', '2026-03']);
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2025-11')).toEqual([]);
  });

  it('spreads the server months over the range and ranks by total', () => {
    const months = monthsBetween('2026-01', '2026-03');
    const rows = layerRows(stats, 'business', months);
    expect(rows.map((row) => [row.code, row.counts])).toEqual([
      ['BA-LAB', [5, 0, 0]],
      ['BA-REG', [1, 0, 2]],
    ]);
    expect(monthTotals(rows, months)).toEqual([6, 0, 2]);
    expect(topSeries(rows, 1)).toEqual({ top: [rows[0]], other: [1, 0, 2] });
    expect(topSeries(rows).other).toBeNull();
  });
});

describe('NFR table', () => {
  beforeEach(() => setLocale('zh-CN'));
  afterEach(() => vi.restoreAllMocks());

  it('shows the records and the totals row from the server', async () => {
    const records = [
      { id: 1, application: 22, application_name: 'LIS', application_code: 'LIS', system_accounts: 300, yearly_storage_gb: '500.00', notes: '', updated_at: '' },
    ] as NfrRecord[];
    const totals: NfrTotals = {
      applications: 1,
      recorded: { system_accounts: 1, concurrent_accounts: 0, yearly_storage_gb: 1, daily_growth_mb: 0, bandwidth_mbps: 0 },
      totals: { system_accounts: 300, concurrent_accounts: 0, yearly_storage_gb: 500, daily_growth_mb: 0, bandwidth_mbps: 0 },
    };
    vi.spyOn(catalogAdminApi, 'listNfr').mockResolvedValue(records);
    vi.spyOn(catalogAdminApi, 'getNfrTotals').mockResolvedValue(totals);
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/cmdb/items/:id', name: 'cmdb_item', component: { template: '<div />' } }] });
    const wrapper = mount(NfrTable, { props: { canWrite: false }, global: { plugins: [ElementPlus, i18n, router, createPinia()] } });
    await flushPromises();
    expect(wrapper.get('[data-testid="nfr-LIS-system_accounts"]').text()).toBe('300');
    expect(wrapper.get('[data-testid="nfr-LIS-yearly_storage_gb"]').text()).toBe('500');
    expect(wrapper.get('[data-testid="nfr-totals-label"]').text()).toContain('1 个系统已填写');
    expect(wrapper.get('[data-testid="nfr-total-system_accounts"]').text()).toBe('300');
    expect(wrapper.get('[data-testid="nfr-total-concurrent_accounts"]').text()).toContain('0 个系统填写');
    expect(wrapper.find('[data-testid="nfr-create"]').exists()).toBe(false);
  });
});
