import type * as Api from '@hitsm/api';
import { ApiError, type TicketListItem, type TicketQuery } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { PullRefresh } from 'vant';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import MyTasksPage from '@/views/servicedesk/my-tasks/index.vue';
import { byUrgency, sectionQuery, sectionRows, taskSections } from '@/views/servicedesk/my-tasks/task-lists';

import { AGENT, ENGINEER, NURSE, row } from './fixtures';

const api = vi.hoisted(() => ({ listTickets: vi.fn() }));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

const NOW = new Date('2026-03-02T10:00:00+08:00');
const page = (results: TicketListItem[], count = results.length) => ({ count, next: null, previous: null, results });

describe('which lists an IT staff member gets', () => {
  it('gives engineers their own and their groups’ untaken tickets, the desk the new ones as well', () => {
    expect(taskSections(ENGINEER)).toEqual(['mine', 'unassigned']);
    expect(taskSections(AGENT)).toEqual(['mine', 'unassigned', 'intake']);
    expect(taskSections(NURSE)).toEqual(['mine', 'unassigned']);
  });

  it('asks the server’s queues, at most one phone page each', () => {
    expect(sectionQuery('mine')).toMatchObject({ queue: 'mine', page_size: 100 });
    expect(sectionQuery('unassigned')).toMatchObject({ queue: 'my_groups', unassigned: true });
    expect(sectionQuery('intake')).toMatchObject({ queue: 'intake' });
  });

  it('keeps what the server picked for each list', () => {
    const taken = row(1, { assignee: { id: 9, username: 'engineer_zhou', display_name: '周工' }, status: 'assigned' });
    const free = row(2);
    expect(sectionRows('mine', [taken, free], NOW)).toHaveLength(2);
    expect(sectionRows('unassigned', [free], NOW).map((r) => r.id)).toEqual([2]);
  });

  it('puts overdue first, then nearly due, then by priority and deadline', () => {
    const calm = row(1, { status: 'assigned', priority: 2, created_at: '2026-03-02T09:00:00+08:00', resolution_due_at: '2026-03-03T09:00:00+08:00' });
    const urgentLater = row(2, { status: 'assigned', priority: 1, created_at: '2026-03-02T09:00:00+08:00', resolution_due_at: '2026-03-03T12:00:00+08:00' });
    const nearly = row(3, { status: 'assigned', priority: 4, created_at: '2026-03-02T02:00:00+08:00', resolution_due_at: '2026-03-02T10:30:00+08:00' });
    const late = row(4, { status: 'in_progress', priority: 5, resolution_due_at: '2026-03-02T09:00:00+08:00' });
    expect(byUrgency([calm, urgentLater, nearly, late], NOW).map((r) => r.id)).toEqual([4, 3, 2, 1]);
  });
});

const Blank = defineComponent({ render: () => h('div') });
let mounted: ReturnType<typeof mount> | null = null;

async function mountTasks(path = '/tasks') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/tasks', name: 'my-tasks', component: MyTasksPage },
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

function answer(byQueue: Partial<Record<string, TicketListItem[]>>, counts: Partial<Record<string, number>> = {}) {
  // Like the server: `unassigned=true` leaves out what a colleague already holds.
  api.listTickets.mockImplementation(async (query: TicketQuery) => {
    const rows = (byQueue[query.queue ?? ''] ?? []).filter((r) => !query.unassigned || !r.assignee);
    return page(rows, counts[query.queue ?? '']);
  });
}

describe('the 我的任务 page', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    api.listTickets.mockReset();
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    mounted?.unmount();
    mounted = null;
  });

  it('lists my tickets with priority, SLA in words and status, and counts each list', async () => {
    useSessionStore().signedIn(ENGINEER);
    answer({
      mine: [
        row(11, { title: 'HIS 打不开', status: 'in_progress', priority: 2, assignee: { id: 6, username: 'engineer_wang', display_name: '王工' }, resolution_due_at: '2026-03-02T09:00:00+08:00' }),
      ],
      my_groups: [row(12, { title: '打印机卡纸' }), row(13, { status: 'assigned', assignee: { id: 9, username: 'zhou', display_name: '周工' } })],
    });
    const { wrapper } = await mountTasks();
    const tabs = wrapper.findAll('[role="tab"]').map((tab) => tab.text());
    expect(tabs).toEqual(['我处理的（1）', '待领取（1）']);
    const card = wrapper.get('[data-testid="h5-tasks-mine"] [data-testid="h5-task"]');
    expect(card.text()).toContain('HIS 打不开');
    expect(card.get('[data-testid="h5-priority"]').text()).toBe('P2 高');
    expect(card.get('[data-testid="h5-status"]').text()).toBe('处理中');
    const sla = card.get('[data-testid="h5-sla-mark"]');
    expect(sla.attributes('data-level')).toBe('breached');
    expect(sla.text()).toBe('解决 · 已超时（1 小时前）');
    expect(card.text()).toContain('李护士 · 门诊部');
    expect(card.attributes('href')).toBe('/tickets/11');
  });

  it('opens on the list named in the URL and shows what is waiting to be taken', async () => {
    useSessionStore().signedIn(ENGINEER);
    answer({ mine: [], my_groups: [row(12, { title: '打印机卡纸' })] });
    const { router, wrapper } = await mountTasks('/tasks?tab=unassigned');
    const untaken = wrapper.get('[data-testid="h5-tasks-unassigned"]');
    expect(untaken.isVisible()).toBe(true);
    expect(untaken.get('[data-testid="h5-task"]').text()).toContain('桌面运维组');
    expect(untaken.get('[data-testid="h5-sla-mark"]').text()).toBe('响应 · 已超时（2 小时前）');
    await wrapper.findAll('[role="tab"]')[0]?.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query.tab).toBe('mine');
    expect(wrapper.get('[data-testid="h5-tasks-mine"]').text()).toContain('没有派给您的未完成工单');
  });

  it('gives the desk its intake list and says when a list is cut short', async () => {
    useSessionStore().signedIn(AGENT);
    answer({ mine: [], my_groups: [], intake: [row(21)] }, { intake: 140 });
    const { wrapper } = await mountTasks('/tasks?tab=intake');
    expect(wrapper.findAll('[role="tab"]').map((tab) => tab.text())).toEqual(['我处理的（0）', '待领取（0）', '待受理（1）']);
    expect(wrapper.get('[data-testid="h5-tasks-intake"]').text()).toContain('完整队列请在电脑端服务台查看');
    expect(api.listTickets).toHaveBeenCalledWith(expect.objectContaining({ queue: 'intake' }));
  });

  it('reads every list again on a pull', async () => {
    useSessionStore().signedIn(ENGINEER);
    answer({ mine: [], my_groups: [] });
    const { wrapper } = await mountTasks();
    expect(api.listTickets).toHaveBeenCalledTimes(2);
    answer({ mine: [row(31, { status: 'assigned', assignee: { id: 6, username: 'engineer_wang', display_name: '王工' } })], my_groups: [] });
    wrapper.findComponent(PullRefresh).vm.$emit('refresh');
    await flushPromises();
    expect(api.listTickets).toHaveBeenCalledTimes(4);
    expect(wrapper.findAll('[role="tab"]')[0]?.text()).toBe('我处理的（1）');
    expect(wrapper.findAll('[data-testid="h5-task"]')).toHaveLength(1);
  });

  it('offers a retry when the lists cannot be read', async () => {
    useSessionStore().signedIn(ENGINEER);
    api.listTickets.mockRejectedValueOnce(new ApiError(0, 'network_error', '网络连接失败')).mockResolvedValue(page([]));
    const { wrapper } = await mountTasks();
    expect(wrapper.get('[data-testid="h5-tasks-mine"]').text()).toContain('任务列表没有加载成功');
    await wrapper.get('[data-testid="h5-tasks-mine"] button').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="h5-tasks-mine"]').text()).toContain('没有派给您的未完成工单');
  });
});
