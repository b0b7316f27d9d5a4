import type * as Api from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import type * as UseWecom from '@/composables/use-wecom';
import { i18n, setLocale } from '@/i18n';
import LoginPage from '@/views/auth/login/index.vue';
import { wecomNotice } from '@/views/auth/login/use-wecom-login';

const api = vi.hoisted(() => ({ getWecomStatus: vi.fn(), login: vi.fn() }));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

const browser = vi.hoisted(() => ({ isWeComBrowser: vi.fn(() => false), openWecomLogin: vi.fn() }));
vi.mock('@/composables/use-wecom', async (original) => ({ ...(await original<typeof UseWecom>()), ...browser }));

const Blank = defineComponent({ render: () => h('div') });
let mounted: ReturnType<typeof mount> | null = null;

async function openLogin(path: string) {
  // The portal's router lives under /h5/, so `next` goes back to the server as /h5/...
  const router = createRouter({
    history: createMemoryHistory('/h5/'),
    routes: [
      { path: '/login', name: 'login', component: LoginPage },
      { path: '/', name: 'home', component: Blank },
      { path: '/tickets/:id(\\d+)', name: 'ticket', component: Blank },
    ],
  });
  await router.push(path);
  await router.isReady();
  mounted = mount(RouterView, { global: { plugins: [router, i18n] }, attachTo: document.body });
  await flushPromises();
  return mounted;
}

beforeEach(() => {
  setActivePinia(createPinia());
  setLocale('zh-CN');
  vi.clearAllMocks();
  browser.isWeComBrowser.mockReturnValue(false);
  api.getWecomStatus.mockResolvedValue({ enabled: true, oauth: true });
});
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

const START = '/api/v1/wecom/oauth/start/?next=%2Fh5%2Ftickets%2F5';

describe('WeCom sign-in on the H5 login page', () => {
  it('offers WeCom sign-in first when its OAuth is on, going back to the page asked for', async () => {
    const page = await openLogin('/login?next=/tickets/5');
    const button = page.get('[data-testid="login-wecom"]');
    expect(button.text()).toBe('企业微信登录');
    expect(page.text()).toContain('或用工号和密码登录');
    expect(page.find('[data-testid="login-username"]').exists()).toBe(true);
    expect(browser.openWecomLogin).not.toHaveBeenCalled();
    await button.trigger('click');
    expect(browser.openWecomLogin).toHaveBeenCalledWith(START);
  });

  it('shows only the password form when WeCom sign-in is off or the status cannot be read', async () => {
    api.getWecomStatus.mockResolvedValueOnce({ enabled: true, oauth: false });
    let page = await openLogin('/login');
    expect(page.find('[data-testid="login-wecom"]').exists()).toBe(false);
    page.unmount();
    api.getWecomStatus.mockRejectedValueOnce(new Error('offline'));
    page = await openLogin('/login');
    expect(page.find('[data-testid="login-wecom"]').exists()).toBe(false);
    expect(page.find('[data-testid="login-submit"]').exists()).toBe(true);
  });

  it('goes to WeCom by itself inside WeCom’s browser', async () => {
    browser.isWeComBrowser.mockReturnValue(true);
    const page = await openLogin('/login?next=/tickets/5');
    expect(browser.openWecomLogin).toHaveBeenCalledWith(START);
    expect(page.get('[data-testid="login-wecom"]').text()).toContain('正在跳转到企业微信登录');
  });

  it('explains a failed WeCom sign-in, does not loop, and lets the user try again', async () => {
    browser.isWeComBrowser.mockReturnValue(true);
    const page = await openLogin('/login?wecom=failed');
    expect(browser.openWecomLogin).not.toHaveBeenCalled();
    expect(page.get('[data-testid="login-wecom-notice"]').text()).toContain('企业微信登录没有成功');
    await page.get('[data-testid="login-wecom"]').trigger('click');
    expect(browser.openWecomLogin).toHaveBeenCalledWith('/api/v1/wecom/oauth/start/?next=%2Fh5%2F');
  });

  it('asks an unbound WeCom user to sign in once with the password to bind the account', async () => {
    browser.isWeComBrowser.mockReturnValue(true);
    const page = await openLogin('/login?wecom=unbound');
    expect(browser.openWecomLogin).not.toHaveBeenCalled();
    expect(page.get('[data-testid="login-wecom-notice"]').text()).toContain(
      '您的企业微信账号尚未绑定平台账号，请用工号和密码登录一次完成绑定',
    );
    expect(page.find('[data-testid="login-wecom"]').exists()).toBe(false);
    expect(page.find('[data-testid="login-password"]').exists()).toBe(true);
  });

  it('reads only the two known reasons from the query', () => {
    expect(wecomNotice('unbound')).toBe('unbound');
    expect(wecomNotice(['failed'])).toBe('failed');
    expect(wecomNotice('other')).toBeNull();
    expect(wecomNotice(undefined)).toBeNull();
  });
});
