import { getDeskBoard, type DeskBoard, type EventFrame } from '@hitsm/api';
import { formatDateTime } from '@hitsm/locales';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';

import { deskTiles } from '@/components/boards/board-format';
import { useLiveBoard } from '@/components/boards/use-live-board';
import { useMute } from '@/components/boards/use-mute';
import { currentLocale } from '@/i18n';

import { useNewTicketAlert } from '../desk/use-new-ticket-alert';

/**
 * The desk board: the snapshot kept live (use-live-board), its tiles, and new tickets announced
 * by a beep (unless muted) and a desktop notification (once the agent allowed it).
 */
export function useDeskBoard() {
  const { t } = useI18n();
  const router = useRouter();
  const muted = useMute();
  const alerts = useNewTicketAlert((id) => void router.push({ name: 'ticket', params: { id } }));

  function onFrame(frame: EventFrame): void {
    if (frame.type !== 'ticket.created') return;
    alerts.announce(frame.payload, t('desk.new_ticket', { number: frame.payload.number }), !muted.value);
  }

  const board = useLiveBoard<DeskBoard>(getDeskBoard, { onFrame });
  const tiles = computed(() => (board.data.value ? deskTiles(board.data.value.queues, board.data.value.today, t, currentLocale()) : []));
  const generatedAt = computed(() => formatDateTime(board.data.value?.generated_at));

  async function enableAlerts(): Promise<void> {
    await alerts.enable();
    if (!muted.value) alerts.beep();
  }

  return { ...board, tiles, generatedAt, muted, permission: alerts.permission, enableAlerts };
}
