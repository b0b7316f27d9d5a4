import type * as Api from '@hitsm/api';
import type { RequesterClock, SlaClock, TicketDetail, TicketSla } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';

import { i18n, setLocale } from '@/i18n';
import TicketSlaCard from '@/views/servicedesk/ticket/components/ticket-sla.vue';
import { SLA_REFRESH_MS, useRequesterSla } from '@/views/servicedesk/ticket/use-requester-sla';

const api = vi.hoisted(() => ({ getTicketSla: vi.fn() }));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

function row(patch: Partial<RequesterClock>): RequesterClock {
  return { metric: 'resolution', state: 'ok', due: null, doneAt: null, percent: 0, waitingForYou: false, pausedFor: null, ...patch };
}

function card(clocks: RequesterClock[]) {
  return mount(TicketSlaCard, { props: { clocks }, global: { plugins: [i18n] } });
}

describe('the SLA card on the phone', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('promises when the ticket will be answered and solved, with a bar and the state in words', () => {
    const wrapper = card([
      row({ metric: 'response', due: '2026-11-23T10:00:00+08:00', percent: 30 }),
      row({ due: '2026-11-23T17:00:00+08:00', percent: 80, state: 'warning' }),
    ]);
    const response = wrapper.get('[data-testid="h5-sla-response"]');
    expect(response.get('[data-testid="h5-sla-promise"]').text()).toBe('预计 2026-11-23 10:00 前响应');
    expect(response.get('[data-testid="h5-sla-state"]').text()).toBe('正常');
    const resolution = wrapper.get('[data-testid="h5-sla-resolution"]');
    expect(resolution.get('[data-testid="h5-sla-promise"]').text()).toBe('预计 2026-11-23 17:00 前解决');
    expect(resolution.get('[data-testid="h5-sla-state"]').text()).toBe('即将超时');
    expect(resolution.find('.van-progress').attributes('aria-label')).toBe('解决时限已用 80%');
  });

  it('says a paused clock waits for the requester’s reply', () => {
    const wrapper = card([row({ state: 'paused', percent: 40, waitingForYou: true })]);
    expect(wrapper.get('[data-testid="h5-sla-state"]').text()).toBe('已暂停（等待您回复）');
    expect(wrapper.get('[data-testid="h5-sla-promise"]').text()).toBe('解决计时已暂停');
    expect(wrapper.get('[data-testid="h5-sla-waiting"]').text()).toContain('您回复后继续计时');
    const vendor = card([row({ state: 'paused', pausedFor: 'vendor' })]);
    expect(vendor.get('[data-testid="h5-sla-state"]').text()).toBe('已暂停（等待厂商）');
  });

  it('says overdue and late in words, and when a stopped clock stopped', () => {
    const wrapper = card([
      row({ metric: 'response', state: 'met', doneAt: '2026-11-23T09:10:00+08:00' }),
      row({ state: 'breached', due: '2026-11-23T17:00:00+08:00', percent: 100 }),
    ]);
    const response = wrapper.get('[data-testid="h5-sla-response"]');
    expect(response.text()).toContain('已于 2026-11-23 09:10 受理');
    expect(response.get('[data-testid="h5-sla-state"]').text()).toBe('按时');
    expect(response.find('.van-progress').exists()).toBe(false);
    const resolution = wrapper.get('[data-testid="h5-sla-resolution"]');
    expect(resolution.get('[data-testid="h5-sla-promise"]').text()).toBe('原定 2026-11-23 17:00 前解决');
    expect(resolution.get('[data-testid="h5-sla-state"]').text()).toBe('已超时');
    expect(card([]).find('[data-testid="h5-sla"]').exists()).toBe(false);
  });
});

describe('reading the clocks for the requester', () => {
  const clock = (patch: Partial<SlaClock>): SlaClock => ({
    metric: 'resolution',
    policy_name: '标准服务（工作时间）',
    target_minutes: 480,
    elapsed_minutes: 60,
    percent: 12.5,
    remaining_minutes: 420,
    state: 'running',
    due_at: '2026-11-23T17:00:00+08:00',
    breached_at: null,
    stopped_at: null,
    pause_reason: '',
    computed_at: '2026-11-23T10:00:00+08:00',
    ...patch,
  });
  const answer = (clocks: SlaClock[]): TicketSla => ({
    policy_id: 2,
    policy_name: '标准服务（工作时间）',
    warn_percents: [50],
    clocks,
    notices: [],
    segments: [],
    pause_statuses: ['pending'],
    calendar_name: '5×8 工作日',
  });

  beforeEach(() => {
    vi.useFakeTimers();
    api.getTicketSla.mockReset();
  });
  afterEach(() => vi.useRealTimers());

  it('reads when the ticket changes and every minute, and shows the requester’s view', async () => {
    api.getTicketSla
      .mockResolvedValueOnce(answer([clock({})]))
      .mockResolvedValueOnce(answer([clock({ state: 'paused', due_at: null })]))
      .mockResolvedValue(answer([clock({ percent: 60 })]));
    const ticket = ref({ id: 7, version: 1, status: 'assigned', pending_reason: '', updated_at: 'a' } as unknown as TicketDetail);
    let state: ReturnType<typeof useRequesterSla> | undefined;
    const wrapper = mount(defineComponent({ setup: () => ((state = useRequesterSla(ticket)), () => h('div')) }));
    await flushPromises();
    expect(api.getTicketSla).toHaveBeenCalledWith(7);
    expect(state?.clocks.value[0]).toMatchObject({ state: 'ok', due: '2026-11-23T17:00:00+08:00' });
    ticket.value = { ...ticket.value, version: 2, status: 'pending', pending_reason: 'requester' } as TicketDetail;
    await flushPromises();
    expect(state?.clocks.value[0]).toMatchObject({ state: 'paused', waitingForYou: true });
    await vi.advanceTimersByTimeAsync(SLA_REFRESH_MS);
    expect(api.getTicketSla).toHaveBeenCalledTimes(3);
    wrapper.unmount();
    await vi.advanceTimersByTimeAsync(SLA_REFRESH_MS);
    expect(api.getTicketSla).toHaveBeenCalledTimes(3);
  });
});
