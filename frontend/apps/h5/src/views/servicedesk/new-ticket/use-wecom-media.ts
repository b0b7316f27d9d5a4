/**
 * Photos and voice through WeCom's own camera and recorder on the new-ticket page.
 *
 * Inside WeCom's browser, once the JS-SDK is registered (`active`), the page shows these instead
 * of the browser's file input and MediaRecorder: each photo or clip is uploaded to WeCom as it is
 * taken (WeCom keeps it three days) and only its media id is kept here. After the ticket is
 * created, {@link UseWecomMedia.attachTo} sends all ids in one `POST /api/v1/wecom/media/`; the
 * server fetches the files from WeCom. Outside WeCom, or when the SDK did not register, `active`
 * stays false and the page keeps its browser path unchanged.
 */
import { wecomMediaAttach } from '@hitsm/api';
import { closeToast, showFailToast, showLoadingToast } from 'vant';
import { computed, getCurrentScope, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue';

import { isWecomCancel, useWecom, type WecomMedia } from '@/composables/use-wecom';
import { i18n } from '@/i18n';

/** The server takes 1–9 media ids in one call (and `chooseImage` picks at most nine). */
export const WECOM_MAX_MEDIA = 9;
/** WeCom ends a recording by itself after a minute. */
export const WECOM_MAX_VOICE_SECONDS = 60;
/** If WeCom has not said it stopped a little after the minute, stop it here. */
const VOICE_STOP_FALLBACK_SECONDS = WECOM_MAX_VOICE_SECONDS + 2;

export interface WecomPhoto extends WecomMedia {
  /** What an `<img src>` shows (a data URL on iOS, the localId elsewhere). */
  src: string;
}

export interface WecomVoice extends WecomMedia {
  /** How long the clip is, as timed here; null when unknown. */
  seconds: number | null;
}

export interface UseWecomMedia {
  /** In WeCom with the JS-SDK ready: use WeCom's camera and recorder. */
  active: ComputedRef<boolean>;
  photos: Readonly<Ref<readonly WecomPhoto[]>>;
  voices: Readonly<Ref<readonly WecomVoice[]>>;
  /** Photos and clips taken so far (they count against the page's file limit). */
  count: ComputedRef<number>;
  /** How many more WeCom can take (at most nine per ticket). */
  left: ComputedRef<number>;
  recording: Readonly<Ref<boolean>>;
  /** Seconds since the recording started (for the stop button). */
  seconds: Readonly<Ref<number>>;
  /** WeCom's camera or album for up to `room` photos (fewer if WeCom's nine are nearly used). */
  addPhotos: (room: number) => Promise<void>;
  removePhoto: (index: number) => void;
  /** Start recording, or stop and keep the clip. */
  toggleVoice: () => Promise<void>;
  removeVoice: (index: number) => void;
  /**
   * After the ticket is created: attach everything taken in one call. Never throws; false (with
   * a toast saying the ticket is there and the media can be added later) when the upload failed.
   */
  attachTo: (ticketId: number) => Promise<boolean>;
}

export function useWecomMedia(options: { userAgent?: string } = {}): UseWecomMedia {
  const wecom = useWecom(options.userAgent);
  const t = i18n.global.t;
  const photos = ref<WecomPhoto[]>([]);
  const voices = ref<WecomVoice[]>([]);
  const seconds = ref(0);
  const active = computed(() => wecom.inWeCom && wecom.ready.value);
  const count = computed(() => photos.value.length + voices.value.length);
  const left = computed(() => Math.max(0, WECOM_MAX_MEDIA - count.value));
  let startedAt = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let stopping: Promise<void> | null = null;

  // Registered as the page opens, so the buttons switch before the nurse reaches them.
  if (wecom.inWeCom) void wecom.ensureReady();

  function failed(error: unknown, key: 'wecom.media.photo_failed' | 'wecom.media.voice_failed'): void {
    if (isWecomCancel(error)) return;
    console.warn('WeCom media', error);
    showFailToast({ message: t(key), wordBreak: 'break-word' });
  }

  async function addPhotos(room: number): Promise<void> {
    const wanted = Math.min(room, left.value);
    if (wanted <= 0) return;
    try {
      const taken = await wecom.takePhotos({ count: wanted });
      const shown = await Promise.all(
        // A photo whose preview cannot be read is still uploaded; it shows as a broken thumbnail.
        taken.map(async (media) => ({ ...media, src: await wecom.imageSrc(media.localId).catch(() => media.localId) })),
      );
      photos.value = [...photos.value, ...shown].slice(0, WECOM_MAX_MEDIA - voices.value.length);
    } catch (error) {
      failed(error, 'wecom.media.photo_failed');
    }
  }

  function removePhoto(index: number): void {
    photos.value = photos.value.filter((_, i) => i !== index);
  }

  function stopTimer(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  function finishVoice(): Promise<void> {
    stopping ??= (async () => {
      stopTimer();
      const elapsed = startedAt ? Math.round((Date.now() - startedAt) / 1000) : 0;
      startedAt = 0;
      try {
        const clip = await wecom.stopVoice();
        const clipSeconds = elapsed > 0 ? Math.min(elapsed, WECOM_MAX_VOICE_SECONDS) : null;
        if (clip) voices.value = [...voices.value, { ...clip, seconds: clipSeconds }];
      } catch (error) {
        failed(error, 'wecom.media.voice_failed');
      } finally {
        stopping = null;
      }
    })();
    return stopping;
  }

  async function toggleVoice(): Promise<void> {
    if (stopping) return stopping;
    if (wecom.recording.value) return finishVoice();
    if (left.value <= 0) return;
    try {
      await wecom.startVoice();
    } catch (error) {
      failed(error, 'wecom.media.voice_failed');
      return;
    }
    startedAt = Date.now();
    seconds.value = 0;
    stopTimer();
    timer = setInterval(() => {
      seconds.value = Math.min(WECOM_MAX_VOICE_SECONDS, Math.round((Date.now() - startedAt) / 1000));
      if (Date.now() - startedAt >= VOICE_STOP_FALLBACK_SECONDS * 1000) void finishVoice();
    }, 1000);
  }

  // WeCom stopped by itself after a minute: keep the clip as if the nurse had pressed stop.
  watch(
    wecom.recording,
    (now, before) => {
      if (before && !now && !stopping) void finishVoice();
    },
    { flush: 'sync' },
  );

  function removeVoice(index: number): void {
    voices.value = voices.value.filter((_, i) => i !== index);
  }

  async function attachTo(ticketId: number): Promise<boolean> {
    // A recording still running when the form is sent is kept, not lost.
    if (wecom.recording.value || stopping) await finishVoice();
    const ids = [...photos.value, ...voices.value].map((media) => media.serverId);
    if (!ids.length) return true;
    showLoadingToast({ message: t('wecom.media.attaching'), forbidClick: true, duration: 0 });
    try {
      await wecomMediaAttach(ticketId, ids);
      closeToast();
      photos.value = [];
      voices.value = [];
      return true;
    } catch (error) {
      console.warn('WeCom media attach', error);
      closeToast();
      showFailToast({ message: t('wecom.media.attach_failed'), wordBreak: 'break-word', duration: 4000 });
      return false;
    }
  }

  if (getCurrentScope()) {
    onScopeDispose(() => {
      stopTimer();
      // Leaving the page mid-recording: release WeCom's microphone (the clip is not kept).
      void wecom.cancelVoice();
    });
  }

  return {
    active,
    photos,
    voices,
    count,
    left,
    recording: wecom.recording,
    seconds,
    addPhotos,
    removePhoto,
    toggleVoice,
    removeVoice,
    attachTo,
  };
}
