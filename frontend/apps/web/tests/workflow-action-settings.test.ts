import type { WorkflowAction } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { DesignerContext } from '@/components/workflow/designer-context';
import type { ActionSetting } from '@/components/workflow/modeler/writer';
import ActionSettings from '@/components/workflow/settings/action-settings.vue';
import { i18n, setLocale } from '@/i18n';

const ACTIONS: WorkflowAction[] = [
  { name: 'ticket_set_status', label: '设置工单状态', params: ['status', 'note', 'reason', 'code'], subject_type: 'ticket' },
  { name: 'http_webhook', label: '调用外部系统（HTTP Webhook）', params: ['url', 'policy', 'attempts', 'result'], subject_type: '' },
  { name: 'ticket_note', label: '工单内部备注', params: ['text'], subject_type: 'ticket' },
];

function designer(initial: ActionSetting) {
  let current = initial;
  const listeners = new Set<() => void>();
  const setAction = vi.fn((_element: unknown, next: ActionSetting) => {
    current = next;
    for (const listener of listeners) listener();
  });
  const context = {
    writer: { action: () => current, setAction },
    data: { groups: [], actions: ACTIONS, formFields: [], processes: null, messages: null, readOnly: false },
    onChanged: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    searchUsers: async () => [],
    loadProcesses: async () => undefined,
    loadMessages: async () => undefined,
  } as unknown as DesignerContext;
  return { context, setAction };
}

function mountSettings(initial: ActionSetting) {
  const { context, setAction } = designer(initial);
  const wrapper = mount(ActionSettings, {
    props: { element: {} as never, designer: context },
    global: { plugins: [ElementPlus, i18n], stubs: { ElSelect: true, ElOption: true } },
  });
  const select = (testid: string) => wrapper.findAllComponents({ name: 'ElSelect' }).find((item) => item.attributes('data-testid') === testid);
  return { wrapper, setAction, select };
}

describe('service task settings', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('gives the status a select and shows the pending reason only once "pending" is chosen', async () => {
    const { wrapper, setAction, select } = mountSettings({ name: 'ticket_set_status', params: { status: '', note: '', reason: '', code: '' } });
    expect(select('action-param-status')).toBeTruthy();
    expect(wrapper.find('[data-testid="action-param-reason"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('目标状态');
    select('action-param-status')?.vm.$emit('update:modelValue', 'pending');
    await flushPromises();
    expect(setAction).toHaveBeenLastCalledWith({}, { name: 'ticket_set_status', params: { status: 'pending', note: '', reason: '', code: '' } });
    expect(select('action-param-reason')).toBeTruthy();
    expect(wrapper.find('[data-testid="action-param-code"]').exists()).toBe(false);
  });

  it('starts a webhook with retry and 5 attempts, attempts as a number from 1 to 10', async () => {
    const { wrapper, setAction, select } = mountSettings({ name: '', params: {} });
    select('action-name')?.vm.$emit('update:modelValue', 'http_webhook');
    await flushPromises();
    expect(setAction).toHaveBeenLastCalledWith({}, { name: 'http_webhook', params: { url: '', policy: 'retry', attempts: '5', result: '' } });
    const attempts = wrapper.findComponent({ name: 'ElInputNumber' });
    expect(attempts.props('min')).toBe(1);
    expect(attempts.props('max')).toBe(10);
    attempts.vm.$emit('change', 12);
    await flushPromises();
    expect(setAction).toHaveBeenLastCalledWith({}, { name: 'http_webhook', params: { url: '', policy: 'retry', attempts: '10', result: '' } });
    expect(wrapper.text()).toContain('失败后按 1、2、5、10、30、60 分钟的间隔重试');
    select('action-param-policy')?.vm.$emit('update:modelValue', 'manual');
    await flushPromises();
    expect(wrapper.text()).toContain('第一次失败即转人工');
  });

  it('keeps text parameters as text inputs', () => {
    const { wrapper } = mountSettings({ name: 'ticket_note', params: { text: '已提交科主任审批' } });
    const input = wrapper.get('input[data-testid="action-param-text"]').element as HTMLInputElement;
    expect(input.value).toBe('已提交科主任审批');
  });
});
