import type * as Api from '@hitsm/api';
import { ApiError, type WecomJssdkSignatures } from '@hitsm/api';
import type * as WecomSdk from '@wecom/jssdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { forgetWecomRegistration, isWeComBrowser, isWecomCancel, signatureUrl, useWecom, WECOM_JS_API_LIST } from '@/composables/use-wecom';

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

const api = vi.hoisted(() => ({ getWecomJssdkSignatures: vi.fn() }));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

const ANDROID_WECOM =
  'Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.102 MQQBrowser/6.2 TBS/046805 Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1 NetType/WIFI Language/zh ColorScheme/Light';
const IOS_WECOM =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh ColorScheme/Light';
const WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI';
const CHROME = 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';

function signed(url: string): WecomJssdkSignatures {
  return {
    corp: { appId: 'ww123', timestamp: 1700000000, nonceStr: `c-${url}`, signature: 'corp-sig' },
    agent: { corpid: 'ww123', agentid: 1000002, timestamp: 1700000000, nonceStr: `a-${url}`, signature: 'agent-sig' },
  };
}

/** What the mocked SDK was registered with. */
function registered(): WecomSdk.RegisterOptions {
  const options = sdk.register.mock.calls[0]?.[0] as WecomSdk.RegisterOptions | undefined;
  if (!options) throw new Error('not registered');
  return options;
}

beforeEach(() => {
  forgetWecomRegistration();
  vi.clearAllMocks();
  api.getWecomJssdkSignatures.mockImplementation(async (url: string) => signed(url));
  sdk.ensureConfigReady.mockResolvedValue({});
  sdk.startRecord.mockResolvedValue({});
  window.history.replaceState(null, '', '/h5/tickets/new?from=home#photos');
});
afterEach(() => forgetWecomRegistration());

describe('detecting WeCom', () => {
  it('knows WeCom by wxwork in the user agent, not WeChat or an ordinary browser', () => {
    expect(isWeComBrowser(ANDROID_WECOM)).toBe(true);
    expect(isWeComBrowser(IOS_WECOM)).toBe(true);
    expect(isWeComBrowser(WECHAT)).toBe(false);
    expect(isWeComBrowser(CHROME)).toBe(false);
  });

  it('signs the page address without its hash', () => {
    expect(signatureUrl()).toBe('http://localhost:3000/h5/tickets/new?from=home');
    expect(signatureUrl('https://itsm.example/h5/#/x')).toBe('https://itsm.example/h5/');
  });

  it('does nothing outside WeCom: no SDK, no signatures', async () => {
    const wecom = useWecom(CHROME);
    expect(wecom.inWeCom).toBe(false);
    expect(await wecom.ensureReady()).toBe(false);
    expect(sdk.register).not.toHaveBeenCalled();
    expect(api.getWecomJssdkSignatures).not.toHaveBeenCalled();
    expect(wecom.ready.value).toBe(false);
  });
});

describe('registering the JS-SDK inside WeCom', () => {
  it('registers once with the corp and agent from the signature endpoint', async () => {
    const first = useWecom(ANDROID_WECOM);
    const second = useWecom(ANDROID_WECOM);
    expect(await Promise.all([first.ensureReady(), second.ensureReady()])).toEqual([true, true]);
    expect(sdk.register).toHaveBeenCalledTimes(1);
    const options = registered();
    expect(options.corpId).toBe('ww123');
    expect(options.agentId).toBe(1000002);
    expect(options.jsApiList).toEqual([...WECOM_JS_API_LIST]);
    expect(options.jsApiList).toEqual(expect.arrayContaining(['chooseImage', 'uploadImage', 'startRecord', 'stopRecord', 'uploadVoice']));
    expect(first.ready.value).toBe(true);
    expect(api.getWecomJssdkSignatures).toHaveBeenCalledWith('http://localhost:3000/h5/tickets/new?from=home');
  });

  it('answers both signature callbacks from one request per address', async () => {
    await useWecom(ANDROID_WECOM).ensureReady();
    const options = registered();
    const url = 'http://localhost:3000/h5/tickets/new?from=home';
    expect(await options.getConfigSignature?.(url)).toEqual({ timestamp: 1700000000, nonceStr: `c-${url}`, signature: 'corp-sig' });
    expect(await options.getAgentConfigSignature?.(url)).toEqual({ timestamp: 1700000000, nonceStr: `a-${url}`, signature: 'agent-sig' });
    expect(api.getWecomJssdkSignatures).toHaveBeenCalledTimes(1);
    // iOS signs the address the app was entered on: another address is asked for separately.
    await options.getConfigSignature?.('http://localhost:3000/h5/#x');
    expect(api.getWecomJssdkSignatures).toHaveBeenLastCalledWith('http://localhost:3000/h5/');
  });

  it('reports a failed registration and tries again on the next use', async () => {
    api.getWecomJssdkSignatures.mockRejectedValueOnce(new ApiError(401, 'not_authenticated', '请先登录'));
    sdk.chooseImage.mockResolvedValue({ localIds: [] });
    const wecom = useWecom(ANDROID_WECOM);
    expect(await wecom.ensureReady()).toBe(false);
    expect(wecom.ready.value).toBe(false);
    expect((wecom.failure.value as ApiError).code).toBe('not_authenticated');
    await expect(wecom.takePhotos()).resolves.toEqual([]);
    expect(sdk.chooseImage).toHaveBeenCalled();
    expect(wecom.ready.value).toBe(true);
  });

  it('stays not ready when WeCom refuses the config', async () => {
    sdk.ensureConfigReady.mockRejectedValueOnce({ errMsg: 'config:fail' });
    const wecom = useWecom(ANDROID_WECOM);
    expect(await wecom.ensureReady()).toBe(false);
    expect(wecom.failure.value).toEqual({ errMsg: 'config:fail' });
  });
});

describe('photos and voice through WeCom', () => {
  it('takes photos with the camera and uploads each, returning local and server ids', async () => {
    sdk.chooseImage.mockResolvedValue({ localIds: ['wxLocalResource://1', 'wxLocalResource://2'] });
    sdk.uploadImage.mockImplementation(async ({ localId }: { localId: string }) => ({ serverId: `media-${localId.slice(-1)}` }));
    const photos = await useWecom(ANDROID_WECOM).takePhotos({ count: 2, source: ['camera'] });
    expect(sdk.chooseImage).toHaveBeenCalledWith({ count: 2, sizeType: ['compressed'], sourceType: ['camera'] });
    expect(sdk.uploadImage.mock.calls.map(([params]) => params)).toEqual([
      { localId: 'wxLocalResource://1', isShowProgressTips: true },
      { localId: 'wxLocalResource://2', isShowProgressTips: true },
    ]);
    expect(photos).toEqual([
      { localId: 'wxLocalResource://1', serverId: 'media-1' },
      { localId: 'wxLocalResource://2', serverId: 'media-2' },
    ]);
  });

  it('records a voice note and uploads it when stopped', async () => {
    sdk.stopRecord.mockResolvedValue({ localId: 'voice-1' });
    sdk.uploadVoice.mockResolvedValue({ serverId: 'media-v1' });
    const wecom = useWecom(ANDROID_WECOM);
    await wecom.startVoice();
    expect(sdk.startRecord).toHaveBeenCalled();
    expect(wecom.recording.value).toBe(true);
    expect(await wecom.stopVoice()).toEqual({ localId: 'voice-1', serverId: 'media-v1' });
    expect(sdk.uploadVoice).toHaveBeenCalledWith({ localId: 'voice-1', isShowProgressTips: true });
    expect(wecom.recording.value).toBe(false);
  });

  it('keeps what WeCom recorded when it stopped by itself after a minute', async () => {
    sdk.uploadVoice.mockResolvedValue({ serverId: 'media-v2' });
    const wecom = useWecom(ANDROID_WECOM);
    await wecom.startVoice();
    const ended = sdk.onVoiceRecordEnd.mock.calls[0]?.[0] as (event: { localId: string }) => void;
    ended({ localId: 'voice-2' });
    expect(wecom.recording.value).toBe(false);
    expect(await wecom.stopVoice()).toEqual({ localId: 'voice-2', serverId: 'media-v2' });
    expect(sdk.stopRecord).not.toHaveBeenCalled();
    expect(await wecom.stopVoice()).toBeNull();
  });

  it('stops a recording without uploading it when the page is left', async () => {
    sdk.stopRecord.mockResolvedValue({ localId: 'voice-3' });
    const wecom = useWecom(ANDROID_WECOM);
    await wecom.cancelVoice();
    expect(sdk.stopRecord).not.toHaveBeenCalled();
    await wecom.startVoice();
    await wecom.cancelVoice();
    expect(sdk.stopRecord).toHaveBeenCalledTimes(1);
    expect(sdk.uploadVoice).not.toHaveBeenCalled();
    expect(wecom.recording.value).toBe(false);
  });

  it('tells a cancelled picker from a failure', async () => {
    sdk.chooseImage.mockRejectedValue({ errMsg: 'chooseImage:cancel' });
    const error: unknown = await useWecom(ANDROID_WECOM).takePhotos().catch((e: unknown) => e);
    expect(isWecomCancel(error)).toBe(true);
    expect(isWecomCancel({ errMsg: 'chooseImage:fail, permission denied' })).toBe(false);
    expect(isWecomCancel(new Error('x'))).toBe(false);
  });

  it('shows a photo from its data on iOS and from its local id elsewhere', async () => {
    sdk.getLocalImgData.mockResolvedValue({ localData: 'AAAA' });
    expect(await useWecom(IOS_WECOM).imageSrc('wxLocalResource://1')).toBe('data:image/jpeg;base64,AAAA');
    expect(await useWecom(ANDROID_WECOM).imageSrc('wxLocalResource://1')).toBe('wxLocalResource://1');
  });
});
