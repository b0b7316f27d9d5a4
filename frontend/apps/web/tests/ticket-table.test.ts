import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { i18n, setLocale } from '@/i18n';
import TicketTable from '@/views/servicedesk/desk/components/ticket-table.vue';

import { row } from './fixtures';

describe('desk ticket table', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    vi.useFakeTimers();
    // The fixture row was created at 08:05; it is 08:20 now: new for 15 minutes.
    vi.setSystemTime(new Date('2026-03-02T08:20:00+08:00'));
  });
  afterEach(() => vi.useRealTimers());

  async function render(unacceptedMinutes: number | null) {
    const wrapper = mount(TicketTable, {
      props: { rows: [row(1)], loading: false, selectedId: null, freshIds: new Set<number>(), compact: false, emptyText: '', unacceptedMinutes },
      global: { plugins: [ElementPlus, i18n] },
    });
    await flushPromises();
    await vi.advanceTimersByTimeAsync(100); // el-table lays its columns out after mounting
    return wrapper;
  }

  it('flags unaccepted tickets by the threshold the server sets', async () => {
    const strict = await render(10);
    expect(strict.get('[data-testid="row-INC-20260302-0001"]').text()).toContain('无人受理');
    expect(strict.find('.ticket-table__row--unaccepted').exists()).toBe(true);

    const relaxed = await render(30);
    expect(relaxed.get('[data-testid="row-INC-20260302-0001"]').text()).not.toContain('无人受理');
    expect(relaxed.find('.ticket-table__row--unaccepted').exists()).toBe(false);
  });

  it('flags nothing before the threshold is known', async () => {
    expect((await render(null)).get('[data-testid="row-INC-20260302-0001"]').text()).not.toContain('无人受理');
  });
});
