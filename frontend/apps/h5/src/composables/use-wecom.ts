/**
 * WeCom's in-app browser: detection, the official JS-SDK (`@wecom/jssdk`, bundled, loaded only
 * inside WeCom as its own chunk) registered with signatures from `GET /api/v1/wecom/jssdk/`, and
 * helpers to take photos and record voice with WeCom's own camera and recorder.
 *
 * How it plugs in: the browser path stays as it is (`<input capture>` for photos,
 * `use-voice-recorder.ts` with MediaRecorder). Inside WeCom, where MediaRecorder is missing on
 * older clients, the new-ticket page (`views/servicedesk/new-ticket/use-wecom-media.ts`) calls
 * `takePhotos()` / `startVoice()` + `stopVoice()` and sends the `serverId`s (WeCom media ids,
 * valid for 3 days) with `wecomMediaAttach`; the server downloads the files from WeCom's media
 * API and attaches them to the ticket. `localId` (or `imageSrc`) previews the media meanwhile.
 */
import { getWecomJssdkSignatures, type WecomJssdkSignatures } from '@hitsm/api';
import type * as WecomSdk from '@wecom/jssdk';
import { ref, type Ref } from 'vue';

/** The JS APIs the portal asks WeCom for (photos and voice; preview and playback). */
export const WECOM_JS_API_LIST: readonly string[] = [
  'chooseImage',
  'previewImage',
  'uploadImage',
  'getLocalImgData',
  'startRecord',
  'stopRecord',
  'onVoiceRecordEnd',
  'uploadVoice',
  'playVoice',
  'stopVoice',
];

/** WeCom's browser says `wxwork/<version>` in its user agent (WeChat says `MicroMessenger` only). */
export function isWeComBrowser(userAgent: string = typeof navigator === 'undefined' ? '' : navigator.userAgent): boolean {
  return /wxwork/i.test(userAgent);
}

/** The address a JS-SDK signature is made for: the page without its `#` part. */
export function signatureUrl(href: string = window.location.href): string {
  return href.split('#')[0] ?? href;
}

/** A photo or a voice note in WeCom: `localId` for this page, `serverId` (media id) for the server. */
export interface WecomMedia {
  localId: string;
  serverId: string;
}

type Sdk = typeof WecomSdk;
type Signature = { timestamp: number | string; nonceStr: string; signature: string };

/** Signatures are fetched once per address for both configs (the server answers both at once). */
const SIGNATURE_TTL_MS = 5 * 60 * 1000;
const signatures = new Map<string, { at: number; answer: Promise<WecomJssdkSignatures> }>();

function signaturesFor(url: string): Promise<WecomJssdkSignatures> {
  const cached = signatures.get(url);
  if (cached && Date.now() - cached.at < SIGNATURE_TTL_MS) return cached.answer;
  const answer = getWecomJssdkSignatures(url);
  signatures.set(url, { at: Date.now(), answer });
  answer.catch(() => signatures.delete(url));
  return answer;
}

const pick = ({ timestamp, nonceStr, signature }: Signature) => ({ timestamp, nonceStr, signature });

/** Shared by every component: the SDK is registered once per page load. */
const ready = ref(false);
const failure = ref<unknown>(null);
let registration: Promise<Sdk | null> | null = null;

async function register(): Promise<Sdk | null> {
  try {
    const sdk = await import('@wecom/jssdk');
    const first = await signaturesFor(signatureUrl());
    sdk.register({
      corpId: first.corp.appId,
      agentId: first.agent.agentid,
      jsApiList: [...WECOM_JS_API_LIST],
      // WeCom decides which address to sign (on iOS the page the app was entered on).
      getConfigSignature: async (url) => pick((await signaturesFor(signatureUrl(url))).corp),
      getAgentConfigSignature: async (url) => pick((await signaturesFor(signatureUrl(url))).agent),
    });
    await sdk.ensureConfigReady();
    ready.value = true;
    failure.value = null;
    return sdk;
  } catch (error) {
    ready.value = false;
    failure.value = error;
    registration = null; // try again on the next use
    return null;
  }
}

/** Whether a WeCom call ended because the user cancelled (`errMsg` like `chooseImage:cancel`). */
export function isWecomCancel(error: unknown): boolean {
  const message = typeof error === 'object' && error !== null ? (error as { errMsg?: unknown }).errMsg : undefined;
  return typeof message === 'string' && /:cancel\b/.test(message);
}

/** Forget the registration and cached signatures (tests; never needed by pages). */
export function forgetWecomRegistration(): void {
  registration = null;
  signatures.clear();
  ready.value = false;
  failure.value = null;
}

export interface UseWecom {
  /** Whether the page runs in WeCom's browser (decided once). */
  inWeCom: boolean;
  /** The SDK is registered and its config succeeded: the helpers below will work. */
  ready: Readonly<Ref<boolean>>;
  /** Why registration failed (an ApiError from the signature endpoint, or WeCom's answer). */
  failure: Readonly<Ref<unknown>>;
  recording: Readonly<Ref<boolean>>;
  /** Register the SDK (once); false outside WeCom or when it failed. */
  ensureReady: () => Promise<boolean>;
  /** WeCom's camera or album, then upload to WeCom: one entry per photo, in order (rejects on cancel, see {@link isWecomCancel}). */
  takePhotos: (options?: { count?: number; source?: readonly ('camera' | 'album')[] }) => Promise<WecomMedia[]>;
  startVoice: () => Promise<void>;
  /** Stop (or take what WeCom stopped itself after 60 s) and upload; null when nothing was recorded. */
  stopVoice: () => Promise<WecomMedia | null>;
  /** Stop a recording without uploading it (leaving the page); never throws. */
  cancelVoice: () => Promise<void>;
  /** Something an `<img src>` shows: iOS needs the data, Android takes the localId. */
  imageSrc: (localId: string) => Promise<string>;
}

export function useWecom(userAgent?: string): UseWecom {
  const inWeCom = isWeComBrowser(userAgent);
  const recording = ref(false);
  /** Set when WeCom ended a recording by itself (after a minute). */
  let endedLocalId: string | null = null;
  let listening = false;

  function sdk(): Promise<Sdk | null> {
    if (!inWeCom) return Promise.resolve(null);
    registration ??= register();
    return registration;
  }

  async function required(): Promise<Sdk> {
    const loaded = await sdk();
    if (!loaded) throw failure.value ?? new Error('WeCom JS-SDK is not available');
    return loaded;
  }

  async function ensureReady(): Promise<boolean> {
    return (await sdk()) !== null;
  }

  async function takePhotos(options: { count?: number; source?: readonly ('camera' | 'album')[] } = {}): Promise<WecomMedia[]> {
    const ww = await required();
    const sources = options.source ?? ['camera', 'album'];
    const { localIds } = await ww.chooseImage({
      count: options.count ?? 1,
      sizeType: [ww.SizeType.compressed],
      sourceType: sources.map((source) => (source === 'camera' ? ww.SourceType.camera : ww.SourceType.album)),
    });
    const media: WecomMedia[] = [];
    // One at a time: WeCom shows one progress tip per upload and rejects parallel uploads on iOS.
    for (const localId of localIds) {
      const { serverId } = await ww.uploadImage({ localId, isShowProgressTips: true });
      media.push({ localId, serverId });
    }
    return media;
  }

  async function startVoice(): Promise<void> {
    const ww = await required();
    if (!listening) {
      ww.onVoiceRecordEnd((event) => {
        endedLocalId = event.localId;
        recording.value = false;
      });
      listening = true;
    }
    endedLocalId = null;
    await ww.startRecord();
    recording.value = true;
  }

  async function stopVoice(): Promise<WecomMedia | null> {
    const ww = await required();
    const localId = recording.value ? (await ww.stopRecord()).localId : endedLocalId;
    recording.value = false;
    endedLocalId = null;
    if (!localId) return null;
    const { serverId } = await ww.uploadVoice({ localId, isShowProgressTips: true });
    return { localId, serverId };
  }

  async function cancelVoice(): Promise<void> {
    const wasRecording = recording.value;
    recording.value = false;
    endedLocalId = null;
    if (!wasRecording) return;
    try {
      await (await required()).stopRecord();
    } catch {
      // Nothing to keep: WeCom may already have stopped by itself.
    }
  }

  async function imageSrc(localId: string): Promise<string> {
    const ww = await required();
    if (!/iphone|ipad|ipod/i.test(userAgent ?? navigator.userAgent)) return localId;
    const { localData } = await ww.getLocalImgData({ localId });
    return localData.startsWith('data:') ? localData : `data:image/jpeg;base64,${localData}`;
  }

  return { inWeCom, ready, failure, recording, ensureReady, takePhotos, startVoice, stopVoice, cancelVoice, imageSrc };
}

/**
 * Sign in with WeCom: a full-page visit to the server's OAuth start, which comes back to `next`
 * (an address under `/h5/`) or to the login page with `?wecom=unbound|failed`.
 */
export function openWecomLogin(startUrl: string): void {
  window.location.assign(startUrl);
}
