import type * as ApiModule from '@hitsm/api';
import { ApiError, login, type Me } from '@hitsm/api';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { i18n, setLocale } from '@/i18n';
import LoginForm from '@/views/auth/login/components/login-form.vue';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  login: vi.fn(),
}));

const loginMock = vi.mocked(login);

const ME = {
  id: 1,
  username: 'nurse_li',
  display_name: '李护士',
  roles: ['requester'],
  navigation: [{ key: 'home', path: '/', icon: 'House' }],
} as unknown as Me;

function mountForm(): VueWrapper {
  return mount(LoginForm, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
}

async function fill(wrapper: VueWrapper, testId: string, value: string): Promise<void> {
  const input = wrapper.find(`input[data-testid="${testId}"]`);
  expect(input.exists(), testId).toBe(true);
  await input.setValue(value);
}

/** Element Plus shows a validation message after a short debounce. */
async function messagesShown(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 150));
}

async function submit(wrapper: VueWrapper): Promise<void> {
  await wrapper.find('form').trigger('submit');
  await flushPromises();
  await flushPromises();
}

describe('login form', () => {
  beforeEach(() => {
    loginMock.mockReset();
    setLocale('zh-CN');
    document.body.innerHTML = '';
  });

  it('signs in with username and password', async () => {
    loginMock.mockResolvedValueOnce(ME);
    const wrapper = mountForm();
    await fill(wrapper, 'login-username', ' nurse_li ');
    await fill(wrapper, 'login-password', 'Nurse@Hitsm2026');
    await submit(wrapper);
    expect(loginMock).toHaveBeenCalledWith({ username: 'nurse_li', password: 'Nurse@Hitsm2026' });
    expect(wrapper.emitted('success')).toEqual([[ME]]);
    expect(wrapper.find('input[data-testid="login-otp"]').exists()).toBe(false);
  });

  it('asks for the one-time code when the server answers auth.otp_required, then sends it', async () => {
    loginMock
      .mockRejectedValueOnce(new ApiError(400, 'auth.otp_required', '请输入动态验证码'))
      .mockResolvedValueOnce(ME);
    const wrapper = mountForm();
    await fill(wrapper, 'login-username', 'admin');
    await fill(wrapper, 'login-password', 'Admin@Hitsm2026');
    await submit(wrapper);

    expect(wrapper.find('input[data-testid="login-otp"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="login-otp-hint"]').text()).toContain('两步验证');
    expect(wrapper.find('[data-testid="login-error"]').exists()).toBe(false);
    expect(wrapper.emitted('success')).toBeUndefined();

    await fill(wrapper, 'login-otp', '123456');
    await submit(wrapper);
    expect(loginMock).toHaveBeenLastCalledWith({ username: 'admin', password: 'Admin@Hitsm2026', otp_token: '123456' });
    expect(wrapper.emitted('success')).toEqual([[ME]]);
  });

  it('does not submit the OTP step with an empty code', async () => {
    loginMock.mockRejectedValueOnce(new ApiError(400, 'auth.otp_required', '请输入动态验证码'));
    const wrapper = mountForm();
    await fill(wrapper, 'login-username', 'admin');
    await fill(wrapper, 'login-password', 'Admin@Hitsm2026');
    await submit(wrapper);
    await submit(wrapper);
    await messagesShown();
    expect(loginMock).toHaveBeenCalledTimes(1);
    expect(wrapper.text()).toContain('请输入动态验证码');
  });

  it('shows a wrong code and clears it', async () => {
    loginMock
      .mockRejectedValueOnce(new ApiError(400, 'auth.otp_required', '请输入动态验证码'))
      .mockRejectedValueOnce(new ApiError(400, 'auth.otp_invalid', '动态验证码错误或已过期'));
    const wrapper = mountForm();
    await fill(wrapper, 'login-username', 'admin');
    await fill(wrapper, 'login-password', 'Admin@Hitsm2026');
    await submit(wrapper);
    await fill(wrapper, 'login-otp', '000000');
    await submit(wrapper);
    expect(wrapper.find('[data-testid="login-error"]').text()).toContain('动态验证码错误或已过期');
    expect((wrapper.find('input[data-testid="login-otp"]').element as HTMLInputElement).value).toBe('');
  });

  it("shows the server's lockout message in the error alert", async () => {
    loginMock.mockRejectedValueOnce(new ApiError(403, 'auth.locked', '账号已被锁定，请 15 分钟后再试'));
    const wrapper = mountForm();
    await fill(wrapper, 'login-username', 'lock_test');
    await fill(wrapper, 'login-password', 'Lock@Hitsm2026');
    await submit(wrapper);
    expect(wrapper.find('[data-testid="login-error"]').text()).toContain('锁定');
    expect(wrapper.emitted('success')).toBeUndefined();
  });

  it('starts over when the username changes during the OTP step', async () => {
    loginMock.mockRejectedValueOnce(new ApiError(400, 'auth.otp_required', '请输入动态验证码'));
    const wrapper = mountForm();
    await fill(wrapper, 'login-username', 'admin');
    await fill(wrapper, 'login-password', 'Admin@Hitsm2026');
    await submit(wrapper);
    expect(wrapper.find('input[data-testid="login-otp"]').exists()).toBe(true);
    await fill(wrapper, 'login-username', 'agent_chen');
    expect(wrapper.find('input[data-testid="login-otp"]').exists()).toBe(false);
  });

  it('validates required fields in the current language before calling the server', async () => {
    setLocale('en');
    const wrapper = mountForm();
    await submit(wrapper);
    await messagesShown();
    expect(loginMock).not.toHaveBeenCalled();
    expect(wrapper.text()).toContain('Please enter your username');
  });
});
