import type * as ApiModule from '@hitsm/api';
import { getDeskBoard, getHomeBoard, type DeskBoard, type EventFrame, type HomeBoard } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';

import { MUTE_STORAGE_KEY } from '@/components/boards/use-mute';
import { i18n, setLocale } from '@/i18n';
import { useRealtimeStore } from '@/stores/realtime';
import EngineerHome from '@/views/dashboard/home/components/engineer-home.vue';
import ManagerHome from '@/views/dashboard/home/components/manager-home.vue';
import RequesterHome from '@/views/dashboard/home/components/requester-home.vue';
import { homeSections } from '@/views/dashboard/home/use-home-board';
import DeskBoardPage from '@/views/servicedesk/desk-board/index.vue';

import { COUNTS } from './fixtures';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  getDeskBoard: vi.fn(),
  getHomeBoard: vi.fn(),
}));
// No canvas in jsdom: the chart is drawn by ECharts in the browser (e2e), not here.
vi.mock('@/components/dashboards/echarts', () => ({ useEChart: () => ({ chart: null }) }));

const BOARD: DeskBoard = {
  generated_at: '2026-11-26T09:00:00+08:00',
  queues: { ...COUNTS, unaccepted: 1 },
  today: {
    new: 5,
    resolved: 2,
    avg_response_minutes: 12,
    avg_resolution_minutes: null,
    response_attainment: 80,
    resolution_attainment: null,
    by_channel: [{ channel: 'web', label: '网页', count: 5 }],
  },
  unaccepted: [
    { id: 7, number: 'INC-7', title: '打印机卡纸', priority: 3, department: '门诊部', created_at: '2026-11-26T08:00:00+08:00', waiting_minutes: 65 },
  ],
  overdue: [],
};

const Stub = defineComponent({ template: '<div />' });

function router() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: Stub },
      { path: '/desk', name: 'desk', component: Stub },
      { path: '/desk/board', name: 'desk_board', component: Stub },
      { path: '/wall', name: 'wallboard', component: Stub },
      { path: '/tickets/:id', name: 'ticket', component: Stub },
      { path: '/my-tickets', name: 'my_tickets', component: Stub },
      { path: '/surveys/follow-ups', name: 'survey_follow_ups', component: Stub },
    ],
  });
}

const created = (id: number): EventFrame => ({
  type: 'ticket.created',
  payload: { id, number: `INC-${id}`, title: 'x', status: 'new', priority: 3, kind: 'incident', department: 'd', channel: 'web' },
});

describe('desk board page', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    localStorage.clear();
    vi.useFakeTimers();
    vi.mocked(getDeskBoard).mockReset().mockResolvedValue(BOARD);
  });
  afterEach(() => vi.useRealTimers());

  async function render() {
    const wrapper = mount(DeskBoardPage, { global: { plugins: [ElementPlus, i18n, router()] }, attachTo: document.body });
    await flushPromises();
    return wrapper;
  }

  it('shows the tiles, the blinking unaccepted alarm and the ticket behind it', async () => {
    const page = await render();
    expect(getDeskBoard).toHaveBeenCalledTimes(1);
    expect(page.get('[data-testid="board-tile-intake"]').text()).toContain('2');
    const unaccepted = page.get('[data-testid="board-tile-unaccepted"]');
    expect(unaccepted.attributes('data-blink')).toBe('true');
    expect(page.get('[data-testid="board-tile-new_today"]').text()).toContain('5');
    expect(page.get('[data-testid="board-list-unaccepted"]').text()).toContain('已等待 1 小时 5 分');
    expect(page.get('[data-testid="board-list-unaccepted"] a').attributes('href')).toBe('/tickets/7');
    expect(page.get('[data-testid="board-list-overdue"]').text()).toContain('没有超过解决时限的工单');
    page.unmount();
  });

  it('re-reads at most twice for a burst of 200 frames, and once on reconnection', async () => {
    const page = await render();
    const realtime = useRealtimeStore();
    vi.mocked(getDeskBoard).mockClear();
    for (let n = 0; n < 200; n += 1) realtime.dispatch(created(n));
    await vi.advanceTimersByTimeAsync(5000);
    expect(vi.mocked(getDeskBoard).mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(vi.mocked(getDeskBoard).mock.calls.length).toBeLessThanOrEqual(2);

    vi.mocked(getDeskBoard).mockClear();
    realtime.connections += 1;
    await flushPromises();
    expect(getDeskBoard).toHaveBeenCalledTimes(1);
    page.unmount();
    // Gone: frames no longer reach it.
    vi.mocked(getDeskBoard).mockClear();
    realtime.dispatch(created(999));
    await vi.advanceTimersByTimeAsync(5000);
    expect(getDeskBoard).not.toHaveBeenCalled();
  });

  it('remembers the mute switch in this browser', async () => {
    const page = await render();
    expect(page.get('[data-testid="board-mute"]').text()).toBe('静音');
    await page.get('[data-testid="board-mute"]').trigger('click');
    expect(localStorage.getItem(MUTE_STORAGE_KEY)).toBe('1');
    page.unmount();
    const again = await render();
    expect(again.get('[data-testid="board-mute"]').text()).toBe('开启提示音');
    again.unmount();
  });

  it('keeps the last numbers and says so when a refresh fails', async () => {
    const page = await render();
    vi.mocked(getDeskBoard).mockRejectedValueOnce(new Error('offline'));
    await page.get('[data-testid="board-refresh"]').trigger('click');
    await flushPromises();
    expect(page.get('[data-testid="board-stale"]').text()).toContain('之前的数据');
    expect(page.get('[data-testid="board-tile-intake"]').text()).toContain('2');
    page.unmount();
  });
});

describe('role homes', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    vi.mocked(getHomeBoard).mockReset();
  });

  const plugins = () => [ElementPlus, i18n, router()];

  it('shows only the parts the server sent', () => {
    expect(homeSections(null)).toEqual([]);
    const home: HomeBoard = { requester: { my_open: 1, waiting_for_me: 0, surveys_to_answer: 2 }, engineer: null, manager: null };
    expect(homeSections(home)).toEqual(['requester']);
  });

  it('gives the requester their open reports, what waits for them and surveys to answer', () => {
    const part = mount(RequesterHome, { props: { part: { my_open: 3, waiting_for_me: 1, surveys_to_answer: 2 } }, global: { plugins: plugins() } });
    expect(part.get('[data-testid="home-requester-my_open"]').text()).toContain('3');
    expect(part.get('[data-testid="home-requester-waiting_for_me"]').text()).toContain('等我确认');
    expect(part.get('[data-testid="home-requester-surveys_to_answer"]').text()).toContain('2');
  });

  it('gives the engineer the open count and the SLA risks, breached ones said in words', () => {
    const part = mount(EngineerHome, {
      props: {
        part: {
          my_open: 4,
          my_resolved_today: 1,
          my_due_soon: [
            { id: 9, number: 'INC-9', title: 'HIS 卡顿', priority: 2, status: 'in_progress', assignee_id: 3, resolution_due_at: '2026-11-26T08:00:00+08:00', breached: true },
          ],
        },
      },
      global: { plugins: plugins() },
    });
    expect(part.get('[data-testid="home-engineer-open"]').text()).toContain('4');
    const due = part.get('[data-testid="home-engineer-due"]');
    expect(due.text()).toContain('INC-9');
    expect(due.text()).toContain('处理超时');
    expect(due.get('a').attributes('href')).toBe('/tickets/9');
  });

  it('gives the manager the team load, breaches, satisfaction and follow-ups to call', async () => {
    const part = mount(ManagerHome, {
      props: {
        part: {
          groups: [{ id: 1, name: '桌面组' }],
          team: [{ user: { id: 3, display_name: '王工' }, open: 5, overdue: 1, resolved_this_week: 7 }],
          breaches_this_week: 2,
          satisfaction_this_month: { sent: 4, answered: 3, response_rate: 0.75, technical: 4.5, response: 4, attitude: 5, average: 4.5, satisfied_rate: 1 },
          open_follow_ups: 1,
        },
      },
      global: { plugins: plugins() },
    });
    await flushPromises();
    expect(part.get('[data-testid="home-manager-team"]').text()).toContain('王工');
    expect(part.get('[data-testid="home-manager-breaches"]').text()).toContain('2');
    expect(part.get('[data-testid="home-manager-satisfaction"]').text()).toContain('技术 4.5 · 响应 4.0 · 态度 5.0');
    expect(part.get('[data-testid="home-manager-follow-ups"]').attributes('href')).toBe('/surveys/follow-ups');
  });
});
