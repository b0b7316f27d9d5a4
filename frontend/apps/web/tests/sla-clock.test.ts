import type * as ApiModule from '@hitsm/api';
import { getTicketSla, type SlaClock, type SlaNotice, type TicketSla } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  barPercent,
  clockLevel,
  durationParts,
  noticesOf,
  segmentBoxes,
  sortClocks,
  warnThreshold,
} from '@/components/sla/sla-clock';
import TicketSlaClock from '@/components/sla/ticket-sla-clock.vue';
import { SLA_POLL_MS } from '@/components/sla/use-ticket-sla';
import { i18n, setLocale } from '@/i18n';
import { useRealtimeStore } from '@/stores/realtime';

import { detail } from './fixtures';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  getTicketSla: vi.fn(),
}));

function clock(patch: Partial<SlaClock> = {}): SlaClock {
  return {
    metric: 'response',
    policy_name: 'P1 故障',
    target_minutes: 60,
    elapsed_minutes: 10,
    percent: 16.7,
    remaining_minutes: 50,
    state: 'running',
    due_at: '2026-03-02T09:00:00+08:00',
    breached_at: null,
    stopped_at: null,
    pause_reason: '',
    computed_at: '2026-03-02T08:10:00+08:00',
    ...patch,
  };
}

const notice = (patch: Partial<SlaNotice>): SlaNotice => ({
  metric: 'response',
  kind: 'warning',
  level: 50,
  elapsed_minutes: 30,
  fired_at: '2026-03-02T08:30:00+08:00',
  ...patch,
});

describe('clock colour and state', () => {
  it('is green under the first warning threshold, amber from it, red once strictly over the target', () => {
    expect(clockLevel(clock({ percent: 49.9 }), 50)).toBe('ok');
    expect(clockLevel(clock({ percent: 50 }), 50)).toBe('warning');
    expect(clockLevel(clock({ percent: 100 }), 50)).toBe('warning');
    expect(clockLevel(clock({ percent: 100.1 }), 50)).toBe('breached');
    expect(clockLevel(clock({ state: 'breached', percent: 130, breached_at: '2026-03-02T09:00:00+08:00' }), 50)).toBe('breached');
  });

  it('turns amber as soon as the scanner fired a warning, even if the threshold is unknown', () => {
    const fired = [notice({ level: 50 })];
    expect(clockLevel(clock({ percent: 52 }), 75, fired, 'response')).toBe('warning');
    expect(clockLevel(clock({ percent: 52 }), 75, fired, 'resolution')).toBe('ok');
  });

  it('says paused while paused, but a breached clock stays red; stopped clocks say met or cancelled', () => {
    expect(clockLevel(clock({ state: 'paused', percent: 80 }), 50)).toBe('paused');
    expect(clockLevel(clock({ state: 'paused', percent: 120, breached_at: '2026-03-02T09:00:00+08:00' }), 50)).toBe('breached');
    expect(clockLevel(clock({ state: 'met', percent: 40, stopped_at: '2026-03-02T08:24:00+08:00' }), 50)).toBe('met');
    expect(clockLevel(clock({ state: 'cancelled', percent: 40 }), 50)).toBe('cancelled');
  });

  it('takes the policy’s first warning threshold, else the lowest warning fired, else 75 %', () => {
    expect(warnThreshold([90, 50, 75])).toBe(50);
    expect(warnThreshold([], [notice({ level: 60 }), notice({ level: 80 })], 'response')).toBe(60);
    expect(warnThreshold(null, [notice({ level: 60, metric: 'resolution' })], 'response')).toBe(75);
    expect(warnThreshold(null)).toBe(75);
  });

  it('never draws the bar past its track', () => {
    expect(barPercent(250)).toBe(100);
    expect(barPercent(-3)).toBe(0);
    expect(barPercent(33.33)).toBe(33.3);
  });
});

describe('business minutes in words', () => {
  it('uses hours and minutes, never days (a business day is not 24 hours)', () => {
    expect(durationParts(0)).toEqual({ key: 'minutes', h: 0, m: 0 });
    expect(durationParts(0.4)).toEqual({ key: 'under_minute', h: 0, m: 0 });
    expect(durationParts(45.9)).toEqual({ key: 'minutes', h: 0, m: 45 });
    expect(durationParts(240)).toEqual({ key: 'hours', h: 4, m: 0 });
    expect(durationParts(4800)).toEqual({ key: 'hours', h: 80, m: 0 });
    expect(durationParts(90)).toEqual({ key: 'hours_minutes', h: 1, m: 30 });
    expect(durationParts(-5)).toEqual({ key: 'minutes', h: 0, m: 0 });
  });
});

describe('segments and notices', () => {
  const at = (time: string) => `2026-03-02T${time}:00+08:00`;

  it('lays the running and paused stretches of one metric on a bar from the first start to now', () => {
    const boxes = segmentBoxes(
      [
        { metric: 'resolution', state: 'running', status: 'new', start: at('08:00'), end: at('09:00') },
        { metric: 'resolution', state: 'paused', status: 'pending', start: at('09:00'), end: at('09:30') },
        { metric: 'resolution', state: 'running', status: 'in_progress', start: at('09:30'), end: null },
        { metric: 'response', state: 'running', status: 'new', start: at('08:00'), end: at('08:10') },
      ],
      'resolution',
      new Date(at('10:00')),
    );
    expect(boxes.map((b) => [b.state, Math.round(b.left), Math.round(b.width)])).toEqual([
      ['running', 0, 50],
      ['paused', 50, 25],
      ['running', 75, 25],
    ]);
    expect(segmentBoxes([], 'response', new Date())).toEqual([]);
  });

  it('lists a metric’s notices in the order they fired, response clock first', () => {
    const list = [notice({ kind: 'breach', level: 0, fired_at: at('09:00') }), notice({ fired_at: at('08:30') }), notice({ metric: 'resolution' })];
    expect(noticesOf(list, 'response').map((n) => n.kind)).toEqual(['warning', 'breach']);
    expect(sortClocks([clock({ metric: 'resolution' }), clock()]).map((c) => c.metric)).toEqual(['response', 'resolution']);
  });
});

describe('the ticket’s clock panel', () => {
  const answer = (patch: Partial<SlaClock>, notices: SlaNotice[] = [], policy: Partial<TicketSla> = {}): TicketSla => ({
    policy_id: 1,
    policy_name: 'P1 故障',
    warn_percents: [90, 50],
    clocks: [clock({ metric: 'resolution', target_minutes: 120, percent: 5, elapsed_minutes: 6, remaining_minutes: 114 }), clock(patch)],
    notices,
    segments: [{ metric: 'response', state: 'running', status: 'new', start: '2026-03-02T08:00:00+08:00', end: null }],
    pause_statuses: ['pending'],
    calendar_name: '7×24 全天候',
    ...policy,
  });
  const mountPanel = (ticket = detail({ status: 'new' })) =>
    mount(TicketSlaClock, { props: { ticket }, global: { plugins: [ElementPlus, i18n] } });

  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-02T08:10:00+08:00'));
  });
  afterEach(() => vi.useRealTimers());

  it('reads the clocks again while open, so the bar turns amber, then red, without a reload', async () => {
    vi.mocked(getTicketSla)
      .mockReset()
      .mockResolvedValueOnce(answer({ percent: 40, elapsed_minutes: 24, remaining_minutes: 36 }))
      .mockResolvedValueOnce(answer({ percent: 55, elapsed_minutes: 33, remaining_minutes: 27 }))
      .mockResolvedValue(
        answer({ state: 'breached', percent: 110, elapsed_minutes: 66, remaining_minutes: 0, breached_at: '2026-03-02T09:00:00+08:00' }, [
          notice({ level: 50 }),
          notice({ kind: 'breach', level: 0 }),
          notice({ kind: 'escalation', level: 1 }),
        ]),
      );
    const wrapper = mountPanel();
    await flushPromises();
    const response = () => wrapper.get('[data-testid="sla-clock-response"]');
    expect(response().attributes('data-level')).toBe('ok');
    expect(response().text()).toContain('剩余 36 分钟');
    expect(wrapper.text()).toContain('7×24 全天候');

    await vi.advanceTimersByTimeAsync(SLA_POLL_MS);
    expect(response().attributes('data-level')).toBe('warning');
    expect(response().get('[data-testid="sla-clock-state"]').text()).toBe('即将超时');

    await vi.advanceTimersByTimeAsync(SLA_POLL_MS);
    expect(response().attributes('data-level')).toBe('breached');
    expect(response().text()).toContain('已超出 6 分钟');
    expect(response().findAll('[data-testid="sla-notice"]').map((n) => n.get('span').text())).toEqual([
      '预警：已用 50%',
      '已超时',
      '第 1 级升级',
    ]);
    expect(wrapper.get('[data-testid="sla-clock-resolution"]').attributes('data-level')).toBe('ok');
    wrapper.unmount();
  });

  it('turns amber at the covering policy’s first warning threshold, which comes with the clocks', async () => {
    vi.mocked(getTicketSla)
      .mockReset()
      .mockResolvedValueOnce(answer({ percent: 55 }, [], { policy_name: '门诊系统 SLA', warn_percents: [60, 80] }))
      .mockResolvedValueOnce(answer({ percent: 55 }, [], { policy_name: '门诊系统 SLA', warn_percents: [80, 40] }))
      .mockResolvedValue(answer({ percent: 55 }, [], { policy_id: null, policy_name: '', warn_percents: [] }));
    const wrapper = mountPanel();
    await flushPromises();
    const response = () => wrapper.get('[data-testid="sla-clock-response"]');
    expect(response().attributes('data-level')).toBe('ok'); // 55 % < 60 %
    expect(wrapper.get('[data-testid="ticket-sla-policy"]').text()).toContain('门诊系统 SLA');

    await vi.advanceTimersByTimeAsync(SLA_POLL_MS);
    expect(response().attributes('data-level')).toBe('warning'); // 55 % ≥ 40 %

    // No thresholds known (no policy covers the closed ticket any more): 75 %, and the name its clocks were kept under.
    await vi.advanceTimersByTimeAsync(SLA_POLL_MS);
    expect(response().attributes('data-level')).toBe('ok');
    expect(wrapper.get('[data-testid="ticket-sla-policy"]').text()).toContain('P1 故障');
    wrapper.unmount();
  });

  it('reads the clocks again when the SLA scanner pushes a change of this ticket', async () => {
    vi.mocked(getTicketSla)
      .mockReset()
      .mockResolvedValueOnce(answer({ percent: 45 }))
      .mockResolvedValue(answer({ percent: 51 }, [notice({ level: 50 })]));
    const wrapper = mountPanel();
    await flushPromises();
    const response = () => wrapper.get('[data-testid="sla-clock-response"]');
    expect(response().attributes('data-level')).toBe('ok');

    const realtime = useRealtimeStore();
    const updated = (id: number) =>
      realtime.dispatch({
        type: 'ticket.updated',
        payload: { id, number: 'x', title: 'x', status: 'new', priority: 1, kind: 'incident', department: '', channel: 'web' },
      });
    updated(8);
    await vi.advanceTimersByTimeAsync(1000);
    expect(getTicketSla).toHaveBeenCalledTimes(1); // another ticket

    updated(7);
    updated(7);
    await vi.advanceTimersByTimeAsync(1000);
    expect(getTicketSla).toHaveBeenCalledTimes(2); // one read for the burst, long before the next poll
    expect(response().attributes('data-level')).toBe('warning');
    wrapper.unmount();

    updated(7);
    await vi.advanceTimersByTimeAsync(SLA_POLL_MS);
    expect(getTicketSla).toHaveBeenCalledTimes(2); // unsubscribed, no more polling
  });

  it('says why a paused clock waits', async () => {
    vi.mocked(getTicketSla).mockReset().mockResolvedValue(answer({ state: 'paused', percent: 80, due_at: null, pause_reason: 'pending' }));
    const wrapper = mountPanel(detail({ status: 'pending', pending_reason: 'requester' }));
    await flushPromises();
    const response = wrapper.get('[data-testid="sla-clock-response"]');
    expect(response.attributes('data-level')).toBe('paused');
    expect(response.get('[data-testid="sla-clock-state"]').text()).toBe('已暂停（等待报修人回复）');
    wrapper.unmount();
  });

  it('explains that no policy applies', async () => {
    vi.mocked(getTicketSla).mockReset().mockResolvedValue({
      policy_id: null,
      policy_name: '',
      warn_percents: [],
      clocks: [],
      notices: [],
      segments: [],
      pause_statuses: [],
      calendar_name: '',
    });
    const wrapper = mountPanel(detail());
    await flushPromises();
    expect(wrapper.get('[data-testid="ticket-sla-none"]').text()).toContain('没有适用的 SLA 策略');
    wrapper.unmount();
  });
});
