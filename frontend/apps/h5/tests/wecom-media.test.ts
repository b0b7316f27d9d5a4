import type * as Api from '@hitsm/api';
import { ApiError, type Me } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type * as Vant from 'vant';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, effectScope, h, type EffectScope } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import { forgetWecomRegistration } from '@/composables/use-wecom';
import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import NewTicketPage from '@/views/servicedesk/new-ticket/index.vue';
import { useWecomMedia, WECOM_MAX_MEDIA } from '@/views/servicedesk/new-ticket/use-wecom-media';

const sdk = vi.hoisted(() => ({
  register: vi.fn(),
  ensureConfigReady: vi.fn(),
  chooseImage: vi.fn(),
  uploadImage: vi.fn(),
  getLocalImgData: vi.fn(),
  startRecord: vi.fn(),
  stopRecord: vi.fn(),
  onVoiceRecordEnd: vi.fn(),
  uploadVoice: vi.fn(),
  SizeType: { original: 'original', compressed: 'compressed' },
  SourceType: { album: 'album', camera: 'camera' },
}));
vi.mock('@wecom/jssdk', () => sdk);

const api = vi.hoisted(() => ({
  getWecomJssdkSignatures: vi.fn(),
  wecomMediaAttach: vi.fn(),
  createTicket: vi.fn(),
  reportKnowledgeOutcome: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

const toast = vi.hoisted(() => ({ showFailToast: vi.fn(), showLoadingToast: vi.fn(), closeToast: vi.fn(), showSuccessToast: vi.fn() }));
vi.mock('vant', async (original) => ({ ...(await original<typeof Vant>()), ...toast }));

const ANDROID_WECOM =
  'Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.102 Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1 NetType/WIFI Language/zh';
const CHROME = 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
const ATTACH_FAILED = '图片/语音未能上传，可在工单中补充';

let scope: EffectScope | null = null;

/** The composable in its own scope, as a page would hold it; registration settled. */
async function media(userAgent: string) {
  scope = effectScope();
  const state = scope.run(() => useWecomMedia({ userAgent }));
  if (!state) throw new Error('no scope');
  await flushPromises();
  return state;
}

beforeEach(() => {
  forgetWecomRegistration();
  vi.clearAllMocks();
  setLocale('zh-CN');
  api.getWecomJssdkSignatures.mockResolvedValue({
    corp: { appId: 'ww123', timestamp: 1700000000, nonceStr: 'c', signature: 'corp-sig' },
    agent: { corpid: 'ww123', agentid: 1000002, timestamp: 1700000000, nonceStr: 'a', signature: 'agent-sig' },
  });
  api.wecomMediaAttach.mockResolvedValue([]);
  sdk.ensureConfigReady.mockResolvedValue({});
  sdk.startRecord.mockResolvedValue({});
  sdk.chooseImage.mockResolvedValue({ localIds: ['wxLocalResource://1', 'wxLocalResource://2'] });
  sdk.uploadImage.mockImplementation(async ({ localId }: { localId: string }) => ({ serverId: `media-${localId.slice(-1)}` }));
  sdk.stopRecord.mockResolvedValue({ localId: 'voice-1' });
  sdk.uploadVoice.mockResolvedValue({ serverId: 'media-v1' });
});
afterEach(() => {
  scope?.stop();
  scope = null;
  vi.useRealTimers();
  vi.restoreAllMocks();
  forgetWecomRegistration();
});

describe('outside WeCom', () => {
  it('stays on the browser path: no SDK, nothing attached afterwards', async () => {
    const state = await media(CHROME);
    expect(state.active.value).toBe(false);
    expect(sdk.register).not.toHaveBeenCalled();
    expect(api.getWecomJssdkSignatures).not.toHaveBeenCalled();
    expect(await state.attachTo(99)).toBe(true);
    expect(api.wecomMediaAttach).not.toHaveBeenCalled();
    expect(toast.showLoadingToast).not.toHaveBeenCalled();
  });

  it('stays on the browser path when the JS-SDK does not register', async () => {
    sdk.ensureConfigReady.mockRejectedValueOnce({ errMsg: 'config:fail' });
    const state = await media(ANDROID_WECOM);
    expect(state.active.value).toBe(false);
  });
});

describe('inside WeCom', () => {
  it('collects photo and voice ids and sends them once after the ticket is created', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const state = await media(ANDROID_WECOM);
    expect(state.active.value).toBe(true);

    await state.addPhotos(10);
    expect(sdk.chooseImage).toHaveBeenCalledWith(expect.objectContaining({ count: WECOM_MAX_MEDIA }));
    expect(state.photos.value.map((p) => [p.serverId, p.src])).toEqual([
      ['media-1', 'wxLocalResource://1'],
      ['media-2', 'wxLocalResource://2'],
    ]);

    await state.toggleVoice();
    expect(state.recording.value).toBe(true);
    vi.advanceTimersByTime(12_000);
    expect(state.seconds.value).toBe(12);
    await state.toggleVoice();
    expect(state.voices.value).toEqual([{ localId: 'voice-1', serverId: 'media-v1', seconds: 12 }]);
    expect(state.count.value).toBe(3);
    expect(api.wecomMediaAttach).not.toHaveBeenCalled();

    expect(await state.attachTo(99)).toBe(true);
    expect(api.wecomMediaAttach).toHaveBeenCalledTimes(1);
    expect(api.wecomMediaAttach).toHaveBeenCalledWith(99, ['media-1', 'media-2', 'media-v1']);
    expect(toast.showLoadingToast).toHaveBeenCalledWith(expect.objectContaining({ message: '正在上传图片/语音…' }));
    expect(toast.closeToast).toHaveBeenCalled();
    expect(toast.showFailToast).not.toHaveBeenCalled();
    expect(state.count.value).toBe(0);
  });

  it('asks WeCom for no more than the page and WeCom allow', async () => {
    const state = await media(ANDROID_WECOM);
    await state.addPhotos(3);
    expect(sdk.chooseImage).toHaveBeenLastCalledWith(expect.objectContaining({ count: 3 }));
    await state.addPhotos(0);
    expect(sdk.chooseImage).toHaveBeenCalledTimes(1);
    state.removePhoto(0);
    expect(state.photos.value.map((p) => p.serverId)).toEqual(['media-2']);
  });

  it('keeps the clip WeCom stopped by itself after a minute, labelled 60 seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    sdk.uploadVoice.mockResolvedValue({ serverId: 'media-v2' });
    const state = await media(ANDROID_WECOM);
    await state.toggleVoice();
    vi.advanceTimersByTime(60_400);
    const ended = sdk.onVoiceRecordEnd.mock.calls[0]?.[0] as (event: { localId: string }) => void;
    ended({ localId: 'voice-2' });
    await flushPromises();
    expect(sdk.stopRecord).not.toHaveBeenCalled();
    expect(state.recording.value).toBe(false);
    expect(state.voices.value).toEqual([{ localId: 'voice-2', serverId: 'media-v2', seconds: 60 }]);
  });

  it('adds nothing and says nothing when the user cancels', async () => {
    sdk.chooseImage.mockRejectedValue({ errMsg: 'chooseImage:cancel' });
    sdk.startRecord.mockRejectedValue({ errMsg: 'startRecord:cancel' });
    const state = await media(ANDROID_WECOM);
    await state.addPhotos(10);
    await state.toggleVoice();
    expect(state.count.value).toBe(0);
    expect(state.recording.value).toBe(false);
    expect(toast.showFailToast).not.toHaveBeenCalled();
    expect(await state.attachTo(99)).toBe(true);
    expect(api.wecomMediaAttach).not.toHaveBeenCalled();
  });

  it('says so when WeCom refuses the camera', async () => {
    sdk.chooseImage.mockRejectedValue({ errMsg: 'chooseImage:fail, permission denied' });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const state = await media(ANDROID_WECOM);
    await state.addPhotos(10);
    expect(state.count.value).toBe(0);
    expect(toast.showFailToast).toHaveBeenCalledWith(expect.objectContaining({ message: '企业微信拍照没有成功，请重试。' }));
  });

  it('keeps the ticket when attaching fails and says the media can be added later', async () => {
    api.wecomMediaAttach.mockRejectedValue(new ApiError(400, 'wecom.bad_media', '企业微信媒体文件无效或已过期（40007）'));
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const state = await media(ANDROID_WECOM);
    await state.addPhotos(10);
    expect(await state.attachTo(99)).toBe(false);
    expect(toast.closeToast).toHaveBeenCalled();
    expect(toast.showFailToast).toHaveBeenCalledWith(expect.objectContaining({ message: ATTACH_FAILED }));
  });
});

describe('the new-ticket page inside WeCom', () => {
  const Blank = defineComponent({ render: () => h('div') });
  let wrapper: ReturnType<typeof mount> | null = null;

  async function openForm() {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', name: 'home', component: Blank },
        { path: '/tickets/new', name: 'new-ticket', component: NewTicketPage },
        { path: '/tickets/:id(\\d+)', name: 'ticket', component: Blank },
      ],
    });
    await router.push('/tickets/new');
    await router.isReady();
    wrapper = mount(RouterView, { global: { plugins: [router, i18n] }, attachTo: document.body });
    await flushPromises();
    await wrapper.get('[data-testid="kb-skip"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="h5-description"] textarea').setValue('输液泵报警，屏幕不亮');
    return { router, page: wrapper };
  }

  beforeEach(() => {
    window.scrollTo = vi.fn() as unknown as typeof window.scrollTo;
    setActivePinia(createPinia());
    useSessionStore().signedIn({ id: 2, username: 'nurse_li', display_name: '李护士', roles: ['requester'], phone_ext: '8301', department: null } as unknown as Me);
    api.createTicket.mockResolvedValue({ id: 99, number: 'INC-20260302-0099' });
    api.reportKnowledgeOutcome.mockResolvedValue({});
  });
  afterEach(async () => {
    await flushPromises();
    wrapper?.unmount();
    wrapper = null;
    document.body.innerHTML = '';
  });

  it('takes photos with WeCom and attaches them after the ticket is created', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(ANDROID_WECOM);
    const { router, page } = await openForm();
    expect(page.find('[data-testid="wecom-media"]').exists()).toBe(true);
    expect(page.find('[data-testid="voice-notes"]').exists()).toBe(false);
    await page.get('[data-testid="h5-photos"] .van-uploader__upload').trigger('click');
    await flushPromises();
    expect(page.findAll('[data-testid="h5-photos"] .van-uploader__preview')).toHaveLength(2);

    await page.get('[data-testid="h5-new-form"]').trigger('submit');
    await flushPromises();
    expect(api.createTicket).toHaveBeenCalledWith(expect.objectContaining({ files: [] }));
    expect(api.wecomMediaAttach).toHaveBeenCalledWith(99, ['media-1', 'media-2']);
    expect(toast.showSuccessToast).toHaveBeenCalled();
    expect(router.currentRoute.value.name).toBe('ticket');
  });

  it('still opens the ticket when the photos could not be attached', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(ANDROID_WECOM);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    api.wecomMediaAttach.mockRejectedValue(new ApiError(503, 'wecom.unavailable', '企业微信暂时无法访问，请稍后重试'));
    const { router, page } = await openForm();
    await page.get('[data-testid="h5-photos"] .van-uploader__upload').trigger('click');
    await flushPromises();
    await page.get('[data-testid="h5-new-form"]').trigger('submit');
    await flushPromises();
    expect(toast.showFailToast).toHaveBeenCalledWith(expect.objectContaining({ message: ATTACH_FAILED }));
    expect(toast.showSuccessToast).not.toHaveBeenCalled();
    expect(router.currentRoute.value.params).toMatchObject({ id: '99' });
  });

  it('keeps the browser uploader and recorder outside WeCom', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(CHROME);
    const { page } = await openForm();
    expect(page.find('[data-testid="wecom-media"]').exists()).toBe(false);
    expect(page.find('[data-testid="voice-notes"]').exists()).toBe(true);
    expect(page.find('[data-testid="h5-photos"] input[type="file"]').exists()).toBe(true);
    await page.get('[data-testid="h5-new-form"]').trigger('submit');
    await flushPromises();
    expect(api.wecomMediaAttach).not.toHaveBeenCalled();
    expect(sdk.register).not.toHaveBeenCalled();
  });
});
