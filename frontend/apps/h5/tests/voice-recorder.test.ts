import { describe, expect, it } from 'vitest';

import { extensionFor, pickFormat, recordingSupported, voiceFileName } from '@/composables/use-voice-recorder';

describe('voice recording helpers', () => {
  it('prefers MP4/AAC (iOS, WeCom) and falls back to WebM or Ogg', () => {
    expect(pickFormat((mime) => mime === 'audio/mp4')?.extension).toBe('m4a');
    expect(pickFormat((mime) => mime.startsWith('audio/webm'))?.mime).toBe('audio/webm;codecs=opus');
    expect(pickFormat((mime) => mime.startsWith('audio/ogg'))?.extension).toBe('ogg');
    expect(pickFormat(() => false)).toBeNull();
  });

  it('names the file after what was really recorded', () => {
    expect(extensionFor('audio/mp4;codecs=mp4a.40.2')).toBe('m4a');
    expect(extensionFor('audio/webm;codecs=opus')).toBe('webm');
    expect(extensionFor('audio/ogg')).toBe('ogg');
    expect(voiceFileName('m4a', new Date(2026, 2, 2, 8, 5, 9))).toBe('voice-20260302-080509.m4a');
  });

  it('knows when the browser cannot record (the page then offers a file picker)', () => {
    expect(recordingSupported()).toBe(false); // jsdom has no MediaRecorder
  });
});
