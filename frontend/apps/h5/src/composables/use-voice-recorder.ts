import { onBeforeUnmount, ref } from 'vue';

/** Container types in order of preference, with the extension the server expects for each. */
const FORMATS: readonly { mime: string; extension: string }[] = [
  { mime: 'audio/mp4', extension: 'm4a' },
  { mime: 'audio/webm;codecs=opus', extension: 'webm' },
  { mime: 'audio/webm', extension: 'webm' },
  { mime: 'audio/ogg;codecs=opus', extension: 'ogg' },
];

export function recordingSupported(): boolean {
  return (
    typeof MediaRecorder !== 'undefined' &&
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getUserMedia === 'function'
  );
}

/** The extension for what the recorder really produced. */
export function extensionFor(mime: string): string {
  if (mime.includes('mp4') || mime.includes('aac')) return 'm4a';
  if (mime.includes('ogg')) return 'ogg';
  return 'webm';
}

export function pickFormat(isSupported: (mime: string) => boolean): { mime: string; extension: string } | null {
  return FORMATS.find((format) => isSupported(format.mime)) ?? null;
}

/** A file name like `voice-20260301-080512.m4a` (the server sniffs the bytes anyway). */
export function voiceFileName(extension: string, at: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `voice-${stamp}.${extension}`;
}

/**
 * Record a voice note with MediaRecorder when the browser has it (WeCom on Android and iOS 14.3+
 * do); callers fall back to a file picker of audio otherwise.
 */
export function useVoiceRecorder() {
  const supported = recordingSupported();
  const recording = ref(false);
  const seconds = ref(0);
  let recorder: MediaRecorder | null = null;
  let stream: MediaStream | null = null;
  let chunks: Blob[] = [];
  let timer: ReturnType<typeof setInterval> | null = null;
  let chosenMime = '';

  function release(): void {
    if (timer) clearInterval(timer);
    timer = null;
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    recording.value = false;
  }

  async function start(): Promise<void> {
    if (!supported || recording.value) return;
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const chosen = pickFormat((mime) => MediaRecorder.isTypeSupported(mime));
    chosenMime = chosen?.mime ?? '';
    recorder = chosen ? new MediaRecorder(stream, { mimeType: chosen.mime }) : new MediaRecorder(stream);
    chunks = [];
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    recorder.start();
    recording.value = true;
    seconds.value = 0;
    timer = setInterval(() => (seconds.value += 1), 1000);
  }

  /** Stop and hand back the recording as a file ready to upload. */
  function stop(): Promise<File | null> {
    const current = recorder;
    if (!current || current.state === 'inactive') {
      release();
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      current.onstop = () => {
        const mime = current.mimeType || chosenMime || 'audio/webm';
        const type = mime.split(';')[0] ?? 'audio/webm';
        const blob = new Blob(chunks, { type });
        release();
        recorder = null;
        resolve(blob.size ? new File([blob], voiceFileName(extensionFor(mime)), { type }) : null);
      };
      current.stop();
    });
  }

  onBeforeUnmount(() => {
    if (recorder && recorder.state !== 'inactive') recorder.stop();
    release();
  });

  return { supported, recording, seconds, start, stop };
}
