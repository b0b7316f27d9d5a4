import { getHomeBoard, type HomeBoard } from '@hitsm/api';
import { computed } from 'vue';

import { useLiveBoard } from '@/components/boards/use-live-board';

/** Which role parts the home shows: those the server sent (a part is null for other roles). */
export function homeSections(board: HomeBoard | null): ('engineer' | 'manager' | 'requester')[] {
  if (!board) return [];
  return (['engineer', 'manager', 'requester'] as const).filter((key) => Boolean(board[key]));
}

/** The caller's role parts of the home page, refreshed like the boards (frames, reconnection). */
export function useHomeBoard() {
  const board = useLiveBoard<HomeBoard>(getHomeBoard);
  const sections = computed(() => homeSections(board.data.value));
  return { ...board, sections };
}
