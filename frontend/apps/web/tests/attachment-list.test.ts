import type { Attachment } from '@hitsm/api';
import { mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { beforeEach, describe, expect, it } from 'vitest';

import AttachmentList from '@/components/ticket/attachment-list.vue';
import { i18n, setLocale } from '@/i18n';

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

describe('attachment list: voice messages', () => {
  beforeEach(() => setLocale('zh-CN'));
  const render = (attachments: Attachment[]) =>
    mount(AttachmentList, { props: { attachments }, global: { plugins: [ElementPlus, i18n] } });

  it('plays the playable copy of a WeCom AMR voice message', () => {
    const list = render([voice(7, { playback_status: 'ready', playback_url: '/api/v1/attachments/7/playback/' })]);
    expect(list.get('[data-testid="attachment-audio"]').attributes('src')).toBe('/api/v1/attachments/7/playback/');
    expect(list.get('[data-testid="attachment-audio-download"]').attributes('href')).toBe('/api/v1/attachments/7/download/');
  });

  it('offers the download while the copy is made, and when it cannot be made', () => {
    const list = render([voice(8, {}), voice(9, { playback_status: 'failed' })]);
    expect(list.find('[data-testid="attachment-audio"]').exists()).toBe(false);
    const waiting = list.findAll('[data-testid="attachment-audio-waiting"]').map((node) => node.text());
    expect(waiting).toEqual([i18n.global.t('timeline.audio_pending'), i18n.global.t('timeline.audio_failed')]);
    const links = list.findAll('[data-testid="attachment-audio-download"]').map((node) => node.attributes('href'));
    expect(links).toEqual(['/api/v1/attachments/8/download/', '/api/v1/attachments/9/download/']);
  });
});
