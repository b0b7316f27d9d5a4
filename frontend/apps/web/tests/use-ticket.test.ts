import type * as ApiModule from '@hitsm/api';
import { ApiError, getTicket, listTicketEvents } from '@hitsm/api';
import { flushPromises } from '@vue/test-utils';
import { ElMessage } from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, ref } from 'vue';

import { useTicket } from '@/components/ticket/use-ticket';
import { useRealtimeStore } from '@/stores/realtime';

import { detail } from './fixtures';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  getTicket: vi.fn(),
  listTicketEvents: vi.fn(),
}));

function start(id: number | null = 7) {
  const scope = effectScope();
  const state = scope.run(() => useTicket(ref(id)));
  if (!state) throw new Error('no scope');
  return { state, scope };
}

describe('useTicket', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(getTicket).mockReset().mockResolvedValue(detail({ status: 'new', allowed_actions: ['accept', 'note'] }));
    vi.mocked(listTicketEvents).mockReset().mockResolvedValue([]);
  });
  afterEach(() => vi.useRealTimers());

  it('loads the ticket and knows IT staff by the note right', async () => {
    const { state, scope } = start();
    await flushPromises();
    expect(state.ticket.value?.number).toBe('INC-20260302-0007');
    expect(state.isStaff.value).toBe(true);
    scope.stop();
  });

  it('when someone else acted first: shows the server message and reloads the ticket', async () => {
    const warning = vi.spyOn(ElMessage, 'warning').mockImplementation(() => ({ close: () => undefined }) as never);
    const { state, scope } = start();
    await flushPromises();
    vi.mocked(getTicket).mockResolvedValueOnce(detail({ status: 'accepted', allowed_actions: ['assign'] }));
    const ok = await state.execute(() =>
      Promise.reject(new ApiError(409, 'ticket.invalid_transition', '工单当前状态为「待派发」（陈工 受理），不能执行「受理」')),
    );
    expect(ok).toBe(false);
    expect(warning).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('陈工 受理') }));
    expect(state.ticket.value?.status).toBe('accepted');
    expect(getTicket).toHaveBeenCalledTimes(2);
    scope.stop();
  });

  it('passes other errors on (validation errors belong to the dialog)', async () => {
    const { state, scope } = start();
    await flushPromises();
    await expect(state.execute(() => Promise.reject(new ApiError(400, 'validation_error', '请选择挂起原因')))).rejects.toThrow(
      '请选择挂起原因',
    );
    scope.stop();
  });

  it('shows "not found" for a ticket the user may not see', async () => {
    vi.mocked(getTicket).mockRejectedValueOnce(new ApiError(404, 'not_found', '未找到'));
    const { state, scope } = start(99);
    await flushPromises();
    expect(state.notFound.value).toBe(true);
    expect(state.ticket.value).toBeNull();
    scope.stop();
  });

  it('reloads when a live frame is about this ticket, not about others', async () => {
    vi.useFakeTimers();
    const { scope } = start();
    await flushPromises();
    const realtime = useRealtimeStore();
    realtime.dispatch({ type: 'ticket.event', payload: { ticket: 8, event: 1 } });
    await vi.advanceTimersByTimeAsync(500);
    expect(getTicket).toHaveBeenCalledTimes(1);
    realtime.dispatch({ type: 'ticket.event', payload: { ticket: 7, event: 2 } });
    realtime.dispatch({
      type: 'ticket.updated',
      payload: { id: 7, number: 'x', title: 'x', status: 'pending', priority: 3, kind: 'incident', department: '', channel: 'web' },
    });
    await vi.advanceTimersByTimeAsync(500);
    expect(getTicket).toHaveBeenCalledTimes(2); // one reload for the burst
    scope.stop();
    realtime.dispatch({ type: 'ticket.event', payload: { ticket: 7, event: 3 } });
    await vi.advanceTimersByTimeAsync(500);
    expect(getTicket).toHaveBeenCalledTimes(2); // unsubscribed with its scope
  });
});
