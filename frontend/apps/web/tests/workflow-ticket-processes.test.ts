import type * as ApiModule from '@hitsm/api';
import {
  ApiError,
  listWorkflowInstances,
  listWorkflowWebhooks,
  retryWorkflowWebhook,
  skipWorkflowWebhook,
  type Me,
  type WorkflowInstance,
  type WorkflowTask,
  type WorkflowWebhook,
} from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus, { ElMessageBox } from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { currentBadges, historyRows } from '@/components/workflow/process-history';
import TicketProcesses from '@/components/workflow/ticket-processes.vue';
import { canDecideWebhooks, unassignedWebhooks, webhookHost, webhooksOf, webhookTagType } from '@/components/workflow/webhook-calls';
import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';

vi.mock('@hitsm/api', async (original) => ({
  ...(await original<typeof ApiModule>()),
  listWorkflowInstances: vi.fn(),
  listWorkflowWebhooks: vi.fn(),
  retryWorkflowWebhook: vi.fn(),
  skipWorkflowWebhook: vi.fn(),
}));

/** The diagram: a viewer that records the badges put over the current steps. */
const badges = vi.hoisted(() => [] as { id: string; html: string }[]);
vi.mock('bpmn-js/lib/NavigatedViewer', () => {
  const wait = {
    id: 'wait',
    type: 'bpmn:IntermediateCatchEvent',
    businessObject: {
      $instanceOf: (type: string) => type === 'bpmn:FlowNode',
      eventDefinitions: [{ $instanceOf: (type: string) => type === 'bpmn:MessageEventDefinition', messageRef: { name: '问题已解决' } }],
    },
  };
  const review = { id: 'review', type: 'bpmn:UserTask', businessObject: { $instanceOf: (type: string) => type === 'bpmn:FlowNode' } };
  class FakeViewer {
    importXML() {
      return Promise.resolve({ warnings: [] });
    }
    get(name: string) {
      if (name === 'canvas') return { addMarker: () => undefined, removeMarker: () => undefined, zoom: () => 1 };
      if (name === 'overlays') return { add: (id: string, _type: string, overlay: { html: string }) => badges.push({ id, html: overlay.html }), remove: () => undefined };
      return { getAll: () => [wait, review] };
    }
    destroy() {
      return undefined;
    }
  }
  return { default: FakeViewer };
});

const USER = { id: 3, username: 'agent_chen', display_name: '陈工', roles: ['agent'], is_superuser: false, navigation: [] } as unknown as Me;

function task(patch: Partial<WorkflowTask> = {}): WorkflowTask {
  return {
    id: 1,
    instance: 11,
    name: '影响评估',
    kind: 'handle',
    approval_mode: '',
    status: 'completed',
    responsible_names: ['陈工'],
    completed_by_name: '陈工',
    created_at: '2026-03-02T08:10:00+08:00',
    completed_at: '2026-03-02T08:20:00+08:00',
    outcome: 'done',
    comment: '',
    votes: [],
    ...patch,
  } as unknown as WorkflowTask;
}

function instance(patch: Partial<WorkflowInstance> = {}): WorkflowInstance {
  return {
    id: 11,
    subject_type: 'ticket',
    subject_id: 7,
    process_name: '重大故障处理',
    version_number: 2,
    status: 'running',
    started_at: '2026-03-02T08:00:00+08:00',
    finished_at: null,
    waiting_for: ['问题已解决'],
    xml: '<bpmn:definitions/>',
    nodes: { wait: {}, review: {}, hook: {} },
    trail: { completed: ['review'], current: ['wait'], future: [] },
    tasks: [task()],
    messages: [
      { name: '问题已解决', direction: 'received', status: 'delivered', peer: 'PRB-20260302-0001 数据库连接池耗尽', created_at: '2026-03-02T09:00:00+08:00' },
      { name: '故障已恢复', direction: 'sent', status: 'unmatched', peer: '', created_at: '2026-03-02T08:05:00+08:00' },
    ],
    ...patch,
  } as unknown as WorkflowInstance;
}

function call(patch: Partial<WorkflowWebhook> = {}): WorkflowWebhook {
  return {
    id: 5,
    key: '00000000-0000-0000-0000-000000000005',
    process_name: '重大故障处理',
    subject_type: 'ticket',
    subject_id: 7,
    node_id: 'hook',
    node_name: '通知 HIS',
    url: 'https://his.hospital.local:8443/hooks/incident',
    policy: 'manual',
    status: 'manual',
    attempts: 1,
    max_attempts: 3,
    next_at: '2026-03-02T08:31:00+08:00',
    response_status: 502,
    last_error: 'Bad Gateway',
    created_at: '2026-03-02T08:30:00+08:00',
    finished_at: null,
    ...patch,
  } as WorkflowWebhook;
}

async function mountCard(roles: string[]) {
  useSessionStore().signedIn({ ...USER, roles } as unknown as Me);
  const wrapper = mount(TicketProcesses, { props: { ticketId: 7 }, global: { plugins: [ElementPlus, i18n] } });
  await flushPromises();
  await vi.dynamicImportSettled();
  await flushPromises();
  return wrapper;
}

describe('process card on the ticket page', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    badges.length = 0;
    vi.mocked(listWorkflowInstances).mockReset().mockResolvedValue([instance()]);
    vi.mocked(listWorkflowWebhooks).mockReset().mockResolvedValue({ count: 1, next: null, previous: null, results: [call()] });
    vi.mocked(retryWorkflowWebhook).mockReset().mockResolvedValue(call({ status: 'pending' }));
    vi.mocked(skipWorkflowWebhook).mockReset().mockResolvedValue(call({ status: 'skipped' }));
  });

  it('shows the message the current step waits for, on the diagram and in words', async () => {
    const wrapper = await mountCard(['requester']);
    expect(wrapper.get('[data-testid="process-waiting-11"]').text()).toContain('等待消息：问题已解决');
    expect(badges).toEqual([{ id: 'wait', html: '<span class="wf-badge">等待消息：问题已解决</span>' }]);
  });

  it('lists the messages with the steps, in the order they happened', async () => {
    const wrapper = await mountCard(['requester']);
    const history = wrapper.get('[data-testid="process-history-11"]').text();
    expect(history).toContain('收到「问题已解决」来自 PRB-20260302-0001 数据库连接池耗尽');
    expect(history).toContain('发出「故障已恢复」');
    expect(history).toContain('无流程等待');
    expect(history.indexOf('发出「故障已恢复」')).toBeLessThan(history.indexOf('影响评估'));
    expect(history.indexOf('影响评估')).toBeLessThan(history.indexOf('收到「问题已解决」'));
  });

  it('never asks for webhooks for a requester', async () => {
    const wrapper = await mountCard(['requester']);
    expect(listWorkflowWebhooks).not.toHaveBeenCalled();
    expect(wrapper.find('[data-testid="process-webhooks-11"]').exists()).toBe(false);
  });

  it('shows IT staff each call of the process: step, host, status, attempts, error', async () => {
    const wrapper = await mountCard(['agent']);
    expect(listWorkflowWebhooks).toHaveBeenCalledWith({ subject_id: 7, page_size: 100 });
    const calls = wrapper.get('[data-testid="process-webhooks-11"]').text();
    for (const text of ['通知 HIS', 'his.hospital.local:8443', '待人工处理', '已尝试 1/3 次', 'HTTP 502：Bad Gateway', '等待 IT 主管或平台管理员处理']) {
      expect(calls).toContain(text);
    }
    expect(wrapper.find('[data-testid="webhook-retry-5"]').exists()).toBe(false); // an agent cannot decide
  });

  it('says when a pending call is tried next', async () => {
    vi.mocked(listWorkflowWebhooks).mockResolvedValue({ count: 1, next: null, previous: null, results: [call({ status: 'pending', policy: 'retry' })] });
    const wrapper = await mountCard(['engineer']);
    expect(wrapper.get('[data-testid="process-webhooks-11"]').text()).toContain('下次尝试：2026-03-02 08:31');
  });

  it('lets a manager retry a call left to a person, then shows where the process is', async () => {
    const wrapper = await mountCard(['manager']);
    await wrapper.get('[data-testid="webhook-retry-5"]').trigger('click');
    await flushPromises();
    expect(retryWorkflowWebhook).toHaveBeenCalledWith(5);
    expect(listWorkflowInstances).toHaveBeenCalledTimes(2);
  });

  it('asks for a note before skipping', async () => {
    const prompt = vi.spyOn(ElMessageBox, 'prompt').mockResolvedValue({ value: ' HIS 维护中，已电话通知 ', action: 'confirm' } as never);
    const wrapper = await mountCard(['admin']);
    await wrapper.get('[data-testid="webhook-skip-5"]').trigger('click');
    await flushPromises();
    expect(prompt).toHaveBeenCalled();
    expect(skipWorkflowWebhook).toHaveBeenCalledWith(5, 'HIS 维护中，已电话通知');
    expect(listWorkflowInstances).toHaveBeenCalledTimes(2);
  });

  it('does not skip when the note is cancelled', async () => {
    vi.spyOn(ElMessageBox, 'prompt').mockRejectedValue('cancel');
    const wrapper = await mountCard(['manager']);
    await wrapper.get('[data-testid="webhook-skip-5"]').trigger('click');
    await flushPromises();
    expect(skipWorkflowWebhook).not.toHaveBeenCalled();
  });

  it('stays quiet when the server refuses the webhook list', async () => {
    vi.mocked(listWorkflowWebhooks).mockRejectedValue(new ApiError(403, 'permission_denied', '无权限'));
    const wrapper = await mountCard(['agent']);
    expect(wrapper.find('[data-testid="ticket-processes"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="process-webhooks-11"]').exists()).toBe(false);
  });
});

describe('process history and webhook helpers', () => {
  it('orders steps and messages by time, steps first on a tie', () => {
    const rows = historyRows(
      [task({ id: 1, created_at: '2026-03-02T08:10:00+08:00' }), task({ id: 2, created_at: '2026-03-02T09:00:00+08:00' })],
      [{ name: 'x', direction: 'sent', status: 'delivered', peer: '', created_at: '2026-03-02T09:00:00+08:00' }],
    );
    expect(rows.map((row) => row.id)).toEqual(['task-1', 'task-2', 'message-0']);
  });

  it('badges a current message catch event with what it waits for, other steps as current', () => {
    const messageOf = (id: string) => ({ wait: '问题已解决', other_wait: '发布完成' })[id] ?? null;
    expect(currentBadges(['wait', 'review', 'other_wait'], ['问题已解决'], messageOf)).toEqual([
      { id: 'wait', message: '问题已解决' },
      { id: 'review', message: null },
      { id: 'other_wait', message: null },
    ]);
  });

  it('puts each call under the instance that made it, even when a process ran twice', () => {
    const first = instance({ id: 1, started_at: '2026-03-01T08:00:00+08:00', status: 'cancelled' });
    const second = instance({ id: 2, started_at: '2026-03-02T08:00:00+08:00' });
    const old = call({ id: 10, created_at: '2026-03-01T09:00:00+08:00' });
    const fresh = call({ id: 11, created_at: '2026-03-02T09:00:00+08:00' });
    const stray = call({ id: 12, process_name: '别的流程' });
    expect(webhooksOf(first, [first, second], [old, fresh, stray]).map((c) => c.id)).toEqual([10]);
    expect(webhooksOf(second, [first, second], [old, fresh, stray]).map((c) => c.id)).toEqual([11]);
    expect(unassignedWebhooks([first, second], [old, fresh, stray]).map((c) => c.id)).toEqual([12]);
  });

  it('reads hosts, colours and who decides', () => {
    expect(webhookHost('https://hr.local:8443/a?b=1')).toBe('hr.local:8443');
    expect(webhookHost('not a url')).toBe('not a url');
    expect(webhookTagType('manual')).toBe('danger');
    expect(webhookTagType('succeeded')).toBe('success');
    expect(canDecideWebhooks({ roles: ['manager'], is_superuser: false })).toBe(true);
    expect(canDecideWebhooks({ roles: ['engineer'], is_superuser: true })).toBe(true);
    expect(canDecideWebhooks({ roles: ['agent', 'engineer'], is_superuser: false })).toBe(false);
    expect(canDecideWebhooks(null)).toBe(false);
  });
});
