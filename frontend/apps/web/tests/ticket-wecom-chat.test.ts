import type * as ApiModule from '@hitsm/api';
import { ApiError, type WecomChat } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import TicketWecomChat from '@/components/wecom/ticket-wecom-chat.vue';
import { forgetWecomStatus, wecomStatus } from '@/components/wecom/use-wecom-status';
import { i18n, setLocale } from '@/i18n';

import { detail } from './fixtures';

const api = vi.hoisted(() => ({ getWecomStatus: vi.fn(), listWecomChats: vi.fn(), createWecomChat: vi.fn() }));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof ApiModule>()), ...api }));

const testid = (id: string) => `[data-testid="${id}"]`;
const CHAT: WecomChat = {
  id: 3,
  ticket: 7,
  chat_id: 'wrxINC7',
  name: 'INC-7 门诊3楼打印机卡纸',
  members: [
    { userid: 'wang', display_name: '王工' },
    { userid: 'zhao', display_name: '赵主任' },
    { userid: 'head_mz', display_name: '' },
  ],
  created_at: '2026-03-02T09:00:00+08:00',
};

const mounted: ReturnType<typeof mount>[] = [];
async function show(patch: Parameters<typeof detail>[0] = {}) {
  const wrapper = mount(TicketWecomChat, { props: { ticket: detail(patch) }, global: { plugins: [ElementPlus, i18n] } });
  mounted.push(wrapper);
  await flushPromises();
  return wrapper;
}

beforeEach(() => {
  setLocale('zh-CN');
  forgetWecomStatus();
  vi.clearAllMocks();
  api.getWecomStatus.mockResolvedValue({ enabled: true, oauth: true });
  api.listWecomChats.mockResolvedValue([]);
});
afterEach(() => mounted.splice(0).forEach((wrapper) => wrapper.unmount()));

describe('the WeCom group chat beside an incident', () => {
  it('offers to create the chat and then shows its name and members', async () => {
    api.createWecomChat.mockResolvedValue(CHAT);
    const wrapper = await show();
    expect(api.listWecomChats).toHaveBeenCalledWith(7);
    const button = wrapper.get(testid('ticket-wecom-chat-create'));
    expect(button.text()).toBe('建企业微信群');
    await button.trigger('click');
    await flushPromises();
    expect(api.createWecomChat).toHaveBeenCalledWith(7);
    expect(wrapper.get(testid('ticket-wecom-chat-name')).text()).toBe('企业微信群：INC-7 门诊3楼打印机卡纸');
    expect(wrapper.get(testid('ticket-wecom-chat-members')).text()).toContain('王工');
    expect(wrapper.get(testid('ticket-wecom-chat-members')).text()).toContain('head_mz');
    expect(wrapper.find(testid('ticket-wecom-chat-create')).exists()).toBe(false);
  });

  it('shows the existing chat instead of the button', async () => {
    api.listWecomChats.mockResolvedValue([CHAT]);
    const wrapper = await show();
    expect(wrapper.get(testid('ticket-wecom-chat-name')).text()).toContain('INC-7');
    expect(wrapper.text()).toContain('群成员（3）');
    expect(wrapper.find(testid('ticket-wecom-chat-create')).exists()).toBe(false);
  });

  it('shows the chat someone else just created when the server says it exists', async () => {
    api.createWecomChat.mockRejectedValue(new ApiError(409, 'wecom.chat_exists', '该工单已有企业微信群'));
    const wrapper = await show();
    api.listWecomChats.mockResolvedValue([CHAT]);
    await wrapper.get(testid('ticket-wecom-chat-create')).trigger('click');
    await flushPromises();
    expect(wrapper.get(testid('ticket-wecom-chat-name')).text()).toContain('INC-7');
  });

  it('shows nothing when WeCom is off, for other kinds of ticket, and no button on closed incidents', async () => {
    api.getWecomStatus.mockResolvedValue({ enabled: false, oauth: false });
    expect((await show()).find(testid('ticket-wecom-chat')).exists()).toBe(false);
    expect(api.listWecomChats).not.toHaveBeenCalled();

    forgetWecomStatus();
    api.getWecomStatus.mockResolvedValue({ enabled: true, oauth: true });
    expect((await show({ kind: 'request' })).find(testid('ticket-wecom-chat')).exists()).toBe(false);
    expect(api.getWecomStatus).toHaveBeenCalledTimes(1);

    const closed = await show({ status: 'closed' });
    expect(closed.find(testid('ticket-wecom-chat')).exists()).toBe(true);
    expect(closed.find(testid('ticket-wecom-chat-create')).exists()).toBe(false);
  });

  it('asks whether WeCom is on once for all tickets, and again after a failure', async () => {
    api.getWecomStatus.mockRejectedValueOnce(new ApiError(0, 'network_error', '网络错误'));
    expect(await wecomStatus()).toEqual({ enabled: false, oauth: false });
    expect(await wecomStatus()).toEqual({ enabled: true, oauth: true });
    await wecomStatus();
    expect(api.getWecomStatus).toHaveBeenCalledTimes(2);
  });
});
