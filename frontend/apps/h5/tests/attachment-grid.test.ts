import type { Attachment } from '@hitsm/api';
import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';

import { i18n, setLocale } from '@/i18n';
import AttachmentGrid from '@/views/servicedesk/ticket/components/attachment-grid.vue';

function voice(id: number, patch: Partial<Attachment>): Attachment {
  return {
    id,
    original_name: `voice-${id}.amr`,
    content_type: 'audio/amr',
    kind: 'audio',
    size: 3206,
    public: true,
    url: `/api/v1/attachments/${id}/download/`,
    thumbnail_url: null,
    playback_url: null,
    playback_status: 'pending',
    created_at: '2026-03-02T08:00:00+08:00',
    event: 1,
    ...patch,
  };
}

describe('H5 attachment grid: voice messages', () => {
  beforeEach(() => setLocale('zh-CN'));
  const render = (attachments: Attachment[]) => mount(AttachmentGrid, { props: { attachments }, global: { plugins: [i18n] } });

  it('plays the MP3 copy of an AMR voice message, and an M4A as it is', () => {
    const grid = render([
      voice(7, { playback_status: 'ready', playback_url: '/api/v1/attachments/7/playback/' }),
      voice(8, { content_type: 'audio/mp4', playback_status: 'ready', playback_url: '/api/v1/attachments/8/download/' }),
    ]);
    const sources = grid.findAll('[data-testid="h5-attachment-audio"]').map((node) => node.attributes('src'));
    expect(sources).toEqual(['/api/v1/attachments/7/playback/', '/api/v1/attachments/8/download/']);
  });

  it('offers the download until the copy exists', () => {
    const grid = render([voice(9, {})]);
    expect(grid.find('[data-testid="h5-attachment-audio"]').exists()).toBe(false);
    const waiting = grid.get('[data-testid="h5-attachment-audio-waiting"]');
    expect(waiting.text()).toContain(i18n.global.t('timeline.audio_pending'));
    expect(waiting.get('a').attributes('href')).toBe('/api/v1/attachments/9/download/');
  });
});
