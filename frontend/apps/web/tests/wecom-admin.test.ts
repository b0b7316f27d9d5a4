import type * as ApiModule from '@hitsm/api';
import { ApiError, type WecomConfig, type WecomInboundMessage, type WecomOutboundMessage } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus, { ElMessageBox } from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { h, type Component } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import { i18n, setLocale } from '@/i18n';
import InboundLog from '@/views/system/wecom/components/inbound-log.vue';
import OutboundLog from '@/views/system/wecom/components/outbound-log.vue';
import SettingsPanel from '@/views/system/wecom/components/settings-panel.vue';
import WecomPage from '@/views/system/wecom/index.vue';
import { envLockedFields, settingsDirty, settingsForm, settingsInput, settingsProblems } from '@/views/system/wecom/use-wecom-settings';
import { canRetry, recipients } from '@/views/system/wecom/wecom-format';

const api = vi.hoisted(() => ({
  getWecomConfig: vi.fn(),
  saveWecomConfig: vi.fn(),
  generateWecomCallbackKeys: vi.fn(),
  testWecomConnection: vi.fn(),
  listWecomInbound: vi.fn(),
  listWecomOutbound: vi.fn(),
  retryWecomOutbound: vi.fn(),
  getWecomStatus: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof ApiModule>()), ...api }));

const testid = (id: string) => `[data-testid="${id}"]`;

function config(patch: Partial<WecomConfig> = {}): WecomConfig {
  return {
    enabled: true,
    corp_id: 'ww123',
    agent_id: 1000002,
    base_url: 'https://qyapi.weixin.qq.com',
    oauth_base_url: 'https://open.weixin.qq.com',
    proxy: '',
    secret_set: true,
    token_set: true,
    encoding_aes_key_set: true,
    secret_source: 'db',
    callback_url: 'https://itsm.example/api/v1/wecom/callback/',
    h5_url: 'https://itsm.example/h5/',
    updated_at: '2026-03-01T08:00:00+08:00',
    ...patch,
  };
}

function outbound(id: number, patch: Partial<WecomOutboundMessage> = {}): WecomOutboundMessage {
  return {
    id,
    created_at: '2026-03-01T08:00:00+08:00',
    kind: 'template_card',
    to_users: ['wang', 'li'],
    chat_id: '',
    summary: 'INC-1 新工单待受理',
    status: 'sent',
    attempts: 1,
    next_attempt_at: null,
    errcode: null,
    last_error: '',
    invalid_users: [],
    sent_at: '2026-03-01T08:00:05+08:00',
    ticket: { id: 1, number: 'INC-1' },
    ...patch,
  };
}

function inbound(id: number, patch: Partial<WecomInboundMessage> = {}): WecomInboundMessage {
  return {
    id,
    received_at: '2026-03-01T08:00:00+08:00',
    from_user: 'nurse_li',
    user: { id: 9, display_name: '李护士' },
    msg_type: 'text',
    event: '',
    summary: '打印机卡纸了',
    status: 'done',
    error: '',
    ticket: { id: 4, number: 'INC-4' },
    ...patch,
  };
}

const mounted: ReturnType<typeof mount>[] = [];
async function open(component: Component, path = '/system/wecom') {
  const stub = { render: () => h('div') };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/system/wecom', name: 'wecom', component },
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: stub },
    ],
  });
  await router.push(path);
  const wrapper = mount(RouterView, {
    global: { plugins: [ElementPlus, i18n, router] },
    attachTo: document.body,
  });
  mounted.push(wrapper);
  await flushPromises();
  return { wrapper, router };
}

beforeEach(() => {
  setLocale('zh-CN');
  setActivePinia(createPinia());
  vi.clearAllMocks();
  api.getWecomConfig.mockResolvedValue(config());
  api.listWecomInbound.mockResolvedValue({ count: 1, next: null, previous: null, results: [inbound(1)] });
  api.listWecomOutbound.mockResolvedValue({ count: 0, next: null, previous: null, results: [] });
});
afterEach(async () => {
  await flushPromises();
  mounted.splice(0).forEach((wrapper) => wrapper.unmount());
  document.body.innerHTML = '';
});

describe('the WeCom settings rules', () => {
  it('starts empty secrets and WeCom’s default addresses', () => {
    const form = settingsForm(config({ base_url: '', agent_id: null }));
    expect(form).toMatchObject({ agent_id: '', base_url: 'https://qyapi.weixin.qq.com', secret: '', token: '', encoding_aes_key: '' });
    expect(settingsDirty(form, config({ base_url: '', agent_id: null }))).toBe(false);
    form.corp_id = 'ww999';
    expect(settingsDirty(form, config())).toBe(true);
  });

  it('sends trimmed values, keeps stored secrets when left empty and never sends a secret from the environment', () => {
    const form = settingsForm(config());
    Object.assign(form, { corp_id: ' ww9 ', agent_id: ' 1000003 ', base_url: ' ', secret: '  ', token: ' tok ' });
    expect(settingsInput(form)).toEqual({
      enabled: true,
      corp_id: 'ww9',
      agent_id: 1000003,
      base_url: 'https://qyapi.weixin.qq.com',
      oauth_base_url: 'https://open.weixin.qq.com',
      proxy: '',
      token: 'tok',
    });
    form.secret = 'new-secret';
    expect(settingsInput(form).secret).toBe('new-secret');
    expect(settingsInput(form, true)).not.toHaveProperty('secret');
    form.agent_id = '';
    expect(settingsInput(form).agent_id).toBeNull();
  });

  it('catches a non-numeric AgentId and addresses without a scheme before asking the server', () => {
    const form = settingsForm(config());
    Object.assign(form, { agent_id: '10a', proxy: '10.0.0.8:3128' });
    expect(settingsProblems(form)).toEqual({ agent_id: 'agent_id_invalid', proxy: 'url_invalid' });
  });

  it('retries failed messages only and names the chat when there are no users', () => {
    expect(canRetry({ status: 'failed' })).toBe(true);
    expect(canRetry({ status: 'partial' })).toBe(false);
    expect(recipients({ to_users: ['a', 'b'], chat_id: '' })).toBe('a, b');
    expect(recipients({ to_users: [], chat_id: 'wrx1' })).toBe('wrx1');
  });
});

describe('the connection settings tab', () => {
  it('shows the saved settings with secrets as set / not set', async () => {
    const { wrapper } = await open(SettingsPanel);
    expect(api.getWecomConfig).toHaveBeenCalled();
    expect((wrapper.get(testid('wecom-corp-id')).element as HTMLInputElement).value).toBe('ww123');
    const secret = wrapper.get(testid('wecom-secret')).element as HTMLInputElement;
    expect(secret.placeholder).toBe('已设置，留空则不修改');
    expect(secret.disabled).toBe(false);
    expect(secret.type).toBe('password');
    expect(wrapper.get(testid('wecom-token-state')).text()).toBe('已设置');
    expect((wrapper.get(testid('wecom-callback-url')).element as HTMLInputElement).value).toBe(
      'https://itsm.example/api/v1/wecom/callback/',
    );
  });

  it('locks the secret when the server takes it from the environment', async () => {
    api.getWecomConfig.mockResolvedValue(config({ secret_source: 'env', encoding_aes_key_set: false }));
    const { wrapper } = await open(SettingsPanel);
    expect(wrapper.get(testid('wecom-secret-env')).text()).toBe('来自环境变量');
    expect((wrapper.get(testid('wecom-secret')).element as HTMLInputElement).disabled).toBe(true);
    expect(wrapper.get(testid('wecom-aes-key-state')).text()).toBe('未设置');
    expect(wrapper.find(testid('wecom-env-locked')).exists()).toBe(false);
  });

  it('locks every setting the server’s environment gives', async () => {
    api.getWecomConfig.mockResolvedValue(config({ secret_source: 'env', from_env: ['aes_key', 'corp_id', 'secret'] }));
    expect([...envLockedFields(config({ secret_source: 'env', from_env: ['aes_key', 'corp_id'] }))].sort()).toEqual([
      'aes_key',
      'corp_id',
      'encoding_aes_key',
      'secret',
    ]);
    const { wrapper } = await open(SettingsPanel);
    expect(wrapper.get(testid('wecom-env-locked')).text()).toContain('环境变量');
    expect((wrapper.get(testid('wecom-corp-id')).element as HTMLInputElement).disabled).toBe(true);
    expect((wrapper.get(testid('wecom-aes-key')).element as HTMLInputElement).disabled).toBe(true);
    expect((wrapper.get(testid('wecom-agent-id')).element as HTMLInputElement).disabled).toBe(false);
  });

  it('saves without the empty secret and shows the server’s field message beside the field', async () => {
    api.saveWecomConfig.mockRejectedValueOnce(
      new ApiError(400, 'validation_error', '输入有误', { encoding_aes_key: ['EncodingAESKey 须为 43 位'] }),
    );
    const { wrapper } = await open(SettingsPanel);
    await wrapper.get(testid('wecom-aes-key')).setValue('short');
    await wrapper.get(testid('wecom-save')).trigger('click');
    await flushPromises();
    const sent = api.saveWecomConfig.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(sent).toMatchObject({ corp_id: 'ww123', agent_id: 1000002, encoding_aes_key: 'short' });
    expect(sent).not.toHaveProperty('secret');
    await new Promise((resolve) => setTimeout(resolve, 150)); // Element Plus shows form errors after 100 ms
    expect(wrapper.text()).toContain('EncodingAESKey 须为 43 位');

    api.saveWecomConfig.mockResolvedValueOnce(config({ corp_id: 'ww456' }));
    await wrapper.get(testid('wecom-corp-id')).setValue('ww456');
    await wrapper.get(testid('wecom-save')).trigger('click');
    await flushPromises();
    expect(api.saveWecomConfig).toHaveBeenCalledTimes(2);
    expect(wrapper.text()).not.toContain('EncodingAESKey 须为 43 位');
  });

  it('asks before replacing keys in use, then shows the new ones once', async () => {
    const confirm = vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never);
    api.generateWecomCallbackKeys.mockResolvedValue({ token: 'NewToken123', encoding_aes_key: 'k'.repeat(43) });
    const { wrapper } = await open(SettingsPanel);
    await wrapper.get(testid('wecom-generate')).trigger('click');
    await flushPromises();
    expect(confirm).toHaveBeenCalled();
    const dialog = document.querySelector(testid('wecom-keys-dialog'));
    expect(dialog?.textContent).toContain('只显示这一次');
    expect((document.querySelector(testid('wecom-generated-token')) as HTMLInputElement).value).toBe('NewToken123');
    expect((document.querySelector(testid('wecom-generated-encoding_aes_key')) as HTMLInputElement).value).toBe('k'.repeat(43));
  });

  it('generates at once when no keys are set yet, and nothing when the admin cancels', async () => {
    const confirm = vi.spyOn(ElMessageBox, 'confirm').mockRejectedValue('cancel');
    api.getWecomConfig.mockResolvedValue(config({ token_set: false, encoding_aes_key_set: false }));
    api.generateWecomCallbackKeys.mockResolvedValue({ token: 'T', encoding_aes_key: 'K'.repeat(43) });
    const { wrapper } = await open(SettingsPanel);
    await wrapper.get(testid('wecom-generate')).trigger('click');
    await flushPromises();
    expect(confirm).not.toHaveBeenCalled();
    expect(api.generateWecomCallbackKeys).toHaveBeenCalledTimes(1);
    expect(wrapper.get(testid('wecom-token-state')).text()).toBe('已设置');
  });

  it('tests the connection and shows WeCom’s answer with the time it took', async () => {
    api.testWecomConnection.mockResolvedValue({ ok: false, message: 'Secret 不正确', errcode: 40001, elapsed_ms: 183 });
    const { wrapper } = await open(SettingsPanel);
    await wrapper.get(testid('wecom-test-run')).trigger('click');
    await flushPromises();
    const result = wrapper.get(testid('wecom-test-result')).text();
    expect(result).toContain('连接失败');
    expect(result).toContain('Secret 不正确');
    expect(result).toContain('用时 183 毫秒');
    expect(result).toContain('企业微信错误码 40001');
  });
});

describe('the message logs', () => {
  it('opens on the tab named in the address', async () => {
    const { wrapper } = await open(WecomPage, '/system/wecom?tab=inbound');
    expect(wrapper.find(testid('wecom-inbound')).exists()).toBe(true);
    expect(wrapper.find(testid('wecom-settings')).exists()).toBe(false);
  });

  it('lists received messages with the sender, status and a link to the ticket, filtered on demand', async () => {
    const { wrapper } = await open(InboundLog);
    expect(api.listWecomInbound).toHaveBeenLastCalledWith({ status: '', msg_type: '', search: '', page: 1, page_size: 20 });
    const text = wrapper.text();
    expect(text).toContain('李护士');
    expect(text).toContain('已处理');
    expect(wrapper.get(testid('wecom-inbound-ticket')).attributes('href')).toBe('/tickets/4');
    await wrapper.get(testid('wecom-inbound-search')).setValue(' 打印机 ');
    await wrapper.get(testid('wecom-inbound-search')).trigger('keyup', { key: 'Enter' });
    await flushPromises();
    expect(api.listWecomInbound).toHaveBeenLastCalledWith(expect.objectContaining({ search: '打印机', page: 1 }));
  });

  it('says what would appear when nothing was received yet', async () => {
    api.listWecomInbound.mockResolvedValue({ count: 0, next: null, previous: null, results: [] });
    const { wrapper } = await open(InboundLog);
    expect(wrapper.text()).toContain('还没有收到企业微信消息');
  });

  it('shows attempts, WeCom’s error and invalid users, and resends failed messages only', async () => {
    const failed = outbound(2, { status: 'failed', attempts: 5, errcode: 81013, last_error: 'user & party & tag all invalid', invalid_users: ['zhang'] });
    api.listWecomOutbound.mockResolvedValue({ count: 2, next: null, previous: null, results: [outbound(1), failed] });
    api.retryWecomOutbound.mockResolvedValue({ ...failed, status: 'pending' });
    const { wrapper } = await open(OutboundLog);
    expect(wrapper.find(testid('wecom-outbound-retry-1')).exists()).toBe(false);
    expect(wrapper.get(testid('wecom-outbound-error-2')).text()).toContain('错误码 81013');
    expect(wrapper.get(testid('wecom-outbound-invalid-2')).text()).toBe('无效接收人：zhang');
    await wrapper.get(testid('wecom-outbound-retry-2')).trigger('click');
    await flushPromises();
    expect(api.retryWecomOutbound).toHaveBeenCalledWith(2);
    expect(wrapper.get(testid('wecom-outbound-status-2')).text()).toBe('待发送');
    expect(wrapper.find(testid('wecom-outbound-retry-2')).exists()).toBe(false);
  });
});
