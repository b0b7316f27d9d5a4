import { mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import SlaBadge from '@/components/ticket/sla-badge.vue';
import { i18n, setLocale } from '@/i18n';

describe('SLA badge', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-02T11:30:00+08:00'));
  });
  afterEach(() => vi.useRealTimers());

  const ticket = (status: 'assigned' | 'resolved', due: string) => ({
    status,
    created_at: '2026-03-02T08:00:00+08:00',
    response_due_at: '2026-03-02T08:30:00+08:00',
    resolution_due_at: due,
  });
  const render = (props: ReturnType<typeof ticket>) =>
    mount(SlaBadge, { props: { ticket: props }, global: { plugins: [ElementPlus, i18n] } }).get('[data-testid="sla-badge"]');

  it('says in words, not only in colour, how much time is left', () => {
    const ok = render(ticket('assigned', '2026-03-02T20:00:00+08:00'));
    expect(ok.attributes('data-level')).toBe('ok');
    expect(ok.text()).toBe('解决 · 9 小时内到期');

    const amber = render(ticket('assigned', '2026-03-02T12:00:00+08:00'));
    expect(amber.attributes('data-level')).toBe('warning');
    expect(amber.text()).toContain('即将超时');

    const red = render(ticket('assigned', '2026-03-02T10:30:00+08:00'));
    expect(red.attributes('data-level')).toBe('breached');
    expect(red.text()).toBe('解决 · 已超时（1 小时前）');

    expect(render(ticket('resolved', '2026-03-02T10:30:00+08:00')).text()).toBe('已完成');
  });

  it('says the clock is paused for a pending ticket, whose deadline the server drops', () => {
    const paused = mount(SlaBadge, {
      props: { ticket: { status: 'pending', created_at: '2026-03-02T08:00:00+08:00', response_due_at: null, resolution_due_at: null } },
      global: { plugins: [ElementPlus, i18n] },
    }).get('[data-testid="sla-badge"]');
    expect(paused.attributes('data-level')).toBe('paused');
    expect(paused.text()).toBe('已暂停计时');
  });
});
