import type * as Api from '@hitsm/api';
import { ApiError, type TicketDetail } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import {
  agentButtons,
  classifyFailure,
  emptyAgentForm,
  missingFields,
  runAgentAction,
  startForm,
} from '@/views/servicedesk/ticket/agent-actions';
import AgentActions from '@/views/servicedesk/ticket/components/agent-actions.vue';
import ReplyBar from '@/views/servicedesk/ticket/components/reply-bar.vue';

import { AGENT, DESKTOP, ENGINEER, detail } from './fixtures';

const api = vi.hoisted(() => ({
  acceptTicket: vi.fn(),
  assignTicket: vi.fn(),
  startTicket: vi.fn(),
  pendTicket: vi.fn(),
  resumeTicket: vi.fn(),
  resolveTicket: vi.fn(),
  replyTicket: vi.fn(),
  listAssignmentGroups: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

const WANG = { id: 6, username: 'engineer_wang', display_name: '王工' };
const ZHOU = { id: 9, username: 'engineer_zhou', display_name: '周工' };
const names = (buttons: ReturnType<typeof agentButtons>) => buttons.map((button) => button.action);

describe('which work buttons IT staff get', () => {
  it('shows only what the server allows, the next step first and solid', () => {
    const assigned = agentButtons({ allowed_actions: ['start', 'pend', 'resolve', 'assign', 'cancel', 'note'], assignee: WANG }, WANG.id);
    expect(names(assigned)).toEqual(['start', 'resolve', 'pend', 'assign']);
    expect(assigned.filter((button) => button.primary).map((button) => button.action)).toEqual(['start']);
    expect(assigned.find((button) => button.action === 'resolve')).toMatchObject({ form: true, primary: false });
    expect(agentButtons({ allowed_actions: ['reply', 'confirm', 'reopen'], assignee: WANG }, WANG.id)).toEqual([]);
  });

  it('lets an engineer take a ticket of the group (assign to self) although only the desk accepts', () => {
    const fresh = { allowed_actions: ['assign', 'cancel', 'escalate', 'note'], assignee: null };
    expect(names(agentButtons(fresh, WANG.id))).toEqual(['take', 'assign']);
    expect(agentButtons(fresh, WANG.id)[0]).toMatchObject({ action: 'take', primary: true, form: false });
    expect(names(agentButtons({ allowed_actions: ['accept', 'assign'], assignee: null }, 3))).toEqual(['accept', 'take', 'assign']);
    // Already mine: nothing to take.
    expect(names(agentButtons({ allowed_actions: ['assign', 'start'], assignee: WANG }, WANG.id))).toEqual(['start', 'assign']);
  });

  it('requires what the server refuses without', () => {
    expect(missingFields('resolve', emptyAgentForm())).toEqual(['code', 'notes']);
    expect(missingFields('resolve', { ...emptyAgentForm(), code: 'fixed', notes: '  ' })).toEqual(['notes']);
    expect(missingFields('pend', { ...emptyAgentForm(), pendReason: 'vendor' })).toEqual(['note']);
    expect(missingFields('assign', startForm('assign', detail({ assignment_group: DESKTOP })))).toEqual([]);
    expect(startForm('assign', detail({ assignment_group: DESKTOP, assignee: WANG }))).toMatchObject({ group: 1, assignee: 6 });
  });
});

describe('the endpoints behind the buttons', () => {
  beforeEach(() => Object.values(api).forEach((fn) => fn.mockReset().mockResolvedValue(detail())));

  it('calls the same transition endpoints as the web desk', async () => {
    await runAgentAction(7, 'take', emptyAgentForm(), 6);
    expect(api.assignTicket).toHaveBeenLastCalledWith(7, { assignee: 6 });
    await runAgentAction(7, 'assign', { ...emptyAgentForm(), group: 1, assignee: 9, note: ' 周工熟悉这台 ' }, 6);
    expect(api.assignTicket).toHaveBeenLastCalledWith(7, { group: 1, assignee: 9, note: '周工熟悉这台' });
    await runAgentAction(7, 'pend', { ...emptyAgentForm(), pendReason: 'vendor', note: '等厂商配件' }, 6);
    expect(api.pendTicket).toHaveBeenCalledWith(7, { reason: 'vendor', note: '等厂商配件' });
    await runAgentAction(7, 'resolve', { ...emptyAgentForm(), code: 'fixed', notes: '已更换搓纸轮' }, 6);
    expect(api.resolveTicket).toHaveBeenCalledWith(7, { code: 'fixed', notes: '已更换搓纸轮' });
    await runAgentAction(7, 'accept', emptyAgentForm(), 3);
    await runAgentAction(7, 'start', emptyAgentForm(), 6);
    await runAgentAction(7, 'resume', emptyAgentForm(), 6);
    expect([api.acceptTicket, api.startTicket, api.resumeTicket].map((fn) => fn.mock.calls[0]?.[0])).toEqual([7, 7, 7]);
  });

  it('tells a ticket that moved on, a process that holds it and field errors apart', () => {
    expect(classifyFailure('start', new ApiError(409, 'ticket.invalid_transition', '工单当前状态为「处理中」（王工），不能执行「开始处理」'))).toEqual({
      kind: 'stale',
      message: '工单当前状态为「处理中」（王工），不能执行「开始处理」',
    });
    expect(classifyFailure('resolve', new ApiError(409, 'ticket.process_running', '流程环节「审批」尚未完成'))).toMatchObject({ kind: 'blocked' });
    expect(classifyFailure('pend', new ApiError(400, 'validation_error', '请求参数有误', { reason: ['请选择挂起原因'] }))).toEqual({
      kind: 'fields',
      message: '',
      fields: { pendReason: '请选择挂起原因' },
    });
    expect(classifyFailure('assign', new ApiError(403, 'permission_denied', '只能在本组内分配；跨组请使用「转组」'))).toEqual({ kind: 'other' });
  });
});

describe('agent actions on the ticket page', () => {
  let wrapper: ReturnType<typeof mount> | null = null;
  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    Object.values(api).forEach((fn) => fn.mockReset());
    api.listAssignmentGroups.mockResolvedValue({ count: 2, results: [{ ...DESKTOP, code: 'desktop', members: [WANG, ZHOU] }, { id: 2, name: '应用组', code: 'apps', members: [] }] });
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = null;
  });

  function mountActions(ticket: TicketDetail) {
    wrapper = mount(AgentActions, { props: { ticket }, global: { plugins: [i18n] }, attachTo: document.body });
    return wrapper;
  }

  it('takes the ticket in one tap and hands the fresh ticket to the page', async () => {
    useSessionStore().signedIn(ENGINEER);
    const taken = detail({ status: 'assigned', assignee: WANG });
    api.assignTicket.mockResolvedValue(taken);
    const actions = mountActions(detail({ allowed_actions: ['assign', 'cancel', 'note'] }));
    expect(actions.findAll('button').map((button) => button.text())).toEqual(['接单', '派发']);
    await actions.get('[data-testid="h5-agent-take"]').trigger('click');
    await flushPromises();
    expect(api.assignTicket).toHaveBeenCalledWith(7, { assignee: 6 });
    expect(actions.emitted('changed')?.[0]).toEqual([taken, '已接单，工单派给了您']);
  });

  it('shows the server’s Chinese message when it refuses, and nothing else changes', async () => {
    useSessionStore().signedIn(ENGINEER);
    api.startTicket.mockRejectedValue(new ApiError(403, 'permission_denied', '您没有权限执行此操作'));
    const actions = mountActions(detail({ status: 'assigned', assignee: WANG, allowed_actions: ['start'] }));
    await actions.get('[data-testid="h5-agent-start"]').trigger('click');
    await flushPromises();
    expect(document.body.textContent).toContain('您没有权限执行此操作');
    expect(actions.emitted('changed')).toBeUndefined();
  });

  it('resolves with a resolution code and notes, asking for both first', async () => {
    useSessionStore().signedIn(ENGINEER);
    const resolved = detail({ status: 'resolved', assignee: WANG });
    api.resolveTicket.mockResolvedValue(resolved);
    const actions = mountActions(detail({ status: 'in_progress', assignee: WANG, allowed_actions: ['resolve', 'pend'] }));
    await actions.get('[data-testid="h5-agent-resolve"]').trigger('click');
    await flushPromises();
    const sheet = document.querySelector('[data-testid="h5-agent-form"]') as HTMLElement;
    expect(sheet.textContent).toContain('解决 · INC-20260302-0007');
    (sheet.querySelector('[data-testid="h5-agent-submit"]') as HTMLButtonElement).click();
    await flushPromises();
    expect(sheet.textContent?.match(/此项为必填项/g)).toHaveLength(2);
    expect(api.resolveTicket).not.toHaveBeenCalled();

    const fixed = [...sheet.querySelectorAll('[role="radio"]')].find((radio) => radio.textContent?.includes('已修复')) as HTMLElement;
    fixed.click();
    const notes = sheet.querySelector('[data-testid="h5-agent-notes"] textarea') as HTMLTextAreaElement;
    notes.value = '清理卡纸，更换搓纸轮，试打正常';
    notes.dispatchEvent(new Event('input'));
    await flushPromises();
    expect(sheet.textContent).not.toContain('此项为必填项');
    (sheet.querySelector('[data-testid="h5-agent-submit"]') as HTMLButtonElement).click();
    await flushPromises();
    expect(api.resolveTicket).toHaveBeenCalledWith(7, { code: 'fixed', notes: '清理卡纸，更换搓纸轮，试打正常' });
    expect(actions.emitted('changed')?.[0]).toEqual([resolved, '「解决」已完成']);
  });

  it('keeps the sheet open with the server’s words when a process still holds the ticket', async () => {
    useSessionStore().signedIn(ENGINEER);
    api.resolveTicket.mockRejectedValue(new ApiError(409, 'ticket.process_running', '流程环节「科主任审批」尚未完成，暂不能解决'));
    const actions = mountActions(detail({ status: 'in_progress', assignee: WANG, allowed_actions: ['resolve'] }));
    await actions.get('[data-testid="h5-agent-resolve"]').trigger('click');
    await flushPromises();
    const sheet = document.querySelector('[data-testid="h5-agent-form"]') as HTMLElement;
    ([...sheet.querySelectorAll('[role="radio"]')][0] as HTMLElement).click();
    const notes = sheet.querySelector('[data-testid="h5-agent-notes"] textarea') as HTMLTextAreaElement;
    notes.value = '已处理';
    notes.dispatchEvent(new Event('input'));
    (sheet.querySelector('[data-testid="h5-agent-submit"]') as HTMLButtonElement).click();
    await flushPromises();
    expect(sheet.querySelector('[data-testid="h5-agent-blocked"]')?.textContent).toBe('流程环节「科主任审批」尚未完成，暂不能解决');
    expect(actions.emitted('changed')).toBeUndefined();
  });

  it('dispatches to a group and a member picked from the group', async () => {
    useSessionStore().signedIn(AGENT);
    api.assignTicket.mockResolvedValue(detail({ status: 'assigned', assignee: ZHOU }));
    const actions = mountActions(detail({ status: 'accepted', assignment_group: DESKTOP, allowed_actions: ['assign'] }));
    expect(actions.findAll('button').map((button) => button.text())).toEqual(['接单', '派发']);
    await actions.get('[data-testid="h5-agent-assign"]').trigger('click');
    await flushPromises();
    expect(api.listAssignmentGroups).toHaveBeenCalledWith({ is_active: true, page_size: 200 });
    const sheet = document.querySelector('[data-testid="h5-agent-form"]') as HTMLElement;
    expect((sheet.querySelector('[data-testid="h5-agent-group"] input') as HTMLInputElement).value).toBe('桌面运维组');
    (sheet.querySelector('[data-testid="h5-agent-assignee"]') as HTMLElement).click();
    await flushPromises();
    const picker = document.querySelector('[data-testid="h5-agent-picker"]') as HTMLElement;
    const options = [...picker.querySelectorAll('.van-picker-column__item')].map((item) => item.textContent?.trim());
    expect(options).toEqual(['不指定（由组内自动分配）', '王工', '周工']);
    ([...picker.querySelectorAll('.van-picker-column__item')][2] as HTMLElement).click();
    await flushPromises();
    (picker.querySelector('.van-picker__confirm') as HTMLElement).click();
    await flushPromises();
    expect((sheet.querySelector('[data-testid="h5-agent-assignee"] input') as HTMLInputElement).value).toBe('周工');
    (sheet.querySelector('[data-testid="h5-agent-submit"]') as HTMLButtonElement).click();
    await flushPromises();
    expect(api.assignTicket).toHaveBeenCalledWith(7, { group: 1, assignee: 9, note: '' });
    expect(actions.emitted('changed')?.[0]?.[1]).toBe('「派发」已完成');
  });
});

describe('the reply bar for IT staff', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    api.replyTicket.mockReset().mockResolvedValue({});
  });

  it('writes an internal note when switched, a public reply otherwise', async () => {
    const bar = mount(ReplyBar, { props: { ticketId: 7, canNote: true }, global: { plugins: [i18n] } });
    await bar.get('[data-testid="h5-reply-body"] textarea').setValue('已联系厂商，明早送配件');
    await bar.get('[data-testid="h5-reply-internal"]').trigger('click');
    expect(bar.get('[data-testid="h5-reply-send"]').text()).toBe('保存备注');
    expect(bar.get('textarea').attributes('placeholder')).toContain('内部备注');
    await bar.get('[data-testid="h5-reply-send"]').trigger('click');
    await flushPromises();
    expect(api.replyTicket).toHaveBeenLastCalledWith(7, { body: '已联系厂商，明早送配件', internal: true, files: [] });
    expect(bar.get('[data-testid="h5-reply-send"]').text()).toBe('发送');

    const requester = mount(ReplyBar, { props: { ticketId: 7 }, global: { plugins: [i18n] } });
    expect(requester.find('[data-testid="h5-reply-internal"]').exists()).toBe(false);
    await requester.get('textarea').setValue('是靠窗那台');
    await requester.get('[data-testid="h5-reply-send"]').trigger('click');
    await flushPromises();
    expect(api.replyTicket).toHaveBeenLastCalledWith(7, { body: '是靠窗那台', internal: false, files: [] });
    bar.unmount();
    requester.unmount();
  });
});
