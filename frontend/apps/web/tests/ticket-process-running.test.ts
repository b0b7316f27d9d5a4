import type * as ApiModule from '@hitsm/api';
import { ApiError, getTicket, listTicketEvents, resolveTicket } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus, { ElMessage } from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, ref } from 'vue';

import ActionDialog from '@/components/ticket/action-dialog.vue';
import { useTicket } from '@/components/ticket/use-ticket';
import { i18n, setLocale } from '@/i18n';

import { detail } from './fixtures';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  getTicket: vi.fn(),
  listTicketEvents: vi.fn(),
  resolveTicket: vi.fn(),
  listAssignmentGroups: vi.fn().mockResolvedValue({ count: 0, results: [] }),
}));

const HELD = '工单的流程尚未完成，请先完成流程环节：根因分析（待处理）；方案审批（待处理）';
const held = () => new ApiError(409, 'ticket.process_running', HELD);

describe('a ticket held by its process', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    vi.mocked(getTicket).mockReset().mockResolvedValue(detail({ status: 'in_progress', allowed_actions: ['resolve', 'note'] }));
    vi.mocked(listTicketEvents).mockReset().mockResolvedValue([]);
    vi.mocked(resolveTicket).mockReset().mockRejectedValue(held());
  });

  it('passes the refusal on to the dialog instead of treating it as a race (no toast, no reload)', async () => {
    const warning = vi.spyOn(ElMessage, 'warning').mockImplementation(() => ({ close: () => undefined }) as never);
    const scope = effectScope();
    const state = scope.run(() => useTicket(ref(7)));
    if (!state) throw new Error('no scope');
    await flushPromises();
    await expect(state.execute(() => Promise.reject(held()))).rejects.toThrow(HELD);
    expect(warning).not.toHaveBeenCalled();
    expect(getTicket).toHaveBeenCalledTimes(1);
    scope.stop();
  });

  it("keeps the resolve dialog open with the server's message naming the open steps", async () => {
    const execute = vi.fn(async (task: () => Promise<unknown>) => {
      await task();
      return true;
    });
    const wrapper = mount(ActionDialog, {
      props: { ticket: detail({ status: 'in_progress' }), action: 'resolve', execute, modelValue: false },
      global: { plugins: [ElementPlus, i18n], stubs: { teleport: true, ElSelect: true, ElOption: true } },
    });
    await wrapper.setProps({ modelValue: true });
    await flushPromises();
    wrapper.findAllComponents({ name: 'ElSelect' })[0]?.vm.$emit('update:modelValue', 'fixed');
    await wrapper.get('textarea[data-testid="dialog-notes"]').setValue('已更换网线');
    await wrapper.get('[data-testid="dialog-submit"]').trigger('click');
    await flushPromises();
    expect(resolveTicket).toHaveBeenCalledWith(7, { code: 'fixed', notes: '已更换网线' });
    const alert = wrapper.get('[data-testid="dialog-process-running"]');
    expect(alert.text()).toContain('流程尚未完成，暂不能解决');
    expect(alert.text()).toContain(HELD);
    expect(wrapper.emitted('update:modelValue')).toBeUndefined(); // still open, notes kept
    expect((wrapper.get('textarea[data-testid="dialog-notes"]').element as HTMLTextAreaElement).value).toBe('已更换网线');
  });
});
