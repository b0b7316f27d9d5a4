import { getWallBoard, type SocketStatus, type WallBoard } from '@hitsm/api';
import { formatDateTime } from '@hitsm/locales';
import { storeToRefs } from 'pinia';
import { computed, onBeforeUnmount, onMounted, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';

import { clockText, deskTiles, kpiBoardTile } from '@/components/boards/board-format';
import { createRotation } from '@/components/boards/rotation';
import { useLiveBoard } from '@/components/boards/use-live-board';
import { currentLocale } from '@/i18n';
import { useRealtimeStore } from '@/stores/realtime';

export const WALL_PAGES = ['queues', 'kpis', 'satisfaction'] as const;
export type WallPage = (typeof WALL_PAGES)[number];
export const DEFAULT_ROTATE_SECONDS = 20;

/** `?seconds=` of the wall URL (3–600), so each screen can turn at its own pace. */
export function rotateSeconds(value: unknown): number {
  const seconds = Number(Array.isArray(value) ? value[0] : value);
  if (!Number.isFinite(seconds) || seconds <= 0) return DEFAULT_ROTATE_SECONDS;
  return Math.min(600, Math.max(3, Math.round(seconds)));
}

/**
 * The wall screen: the board kept live for days (use-live-board: frames, reconnection, a full
 * read every 5 minutes), its pages turning, a clock, and the connection's state. Every timer
 * is cleared when the page goes; nothing accumulates.
 */
export function useWallboard() {
  const { t } = useI18n();
  const route = useRoute();
  const { status } = storeToRefs(useRealtimeStore());
  const board = useLiveBoard<WallBoard>(getWallBoard);
  const page = ref<WallPage>('queues');
  const now = ref(new Date());
  const intervalSeconds = rotateSeconds(route.query.seconds);

  const rotation = createRotation({
    count: () => WALL_PAGES.length,
    intervalMs: intervalSeconds * 1000,
    onChange: (index) => (page.value = WALL_PAGES[index] ?? 'queues'),
  });
  const paused = ref(false);
  let clockTimer: ReturnType<typeof setInterval> | null = null;

  const data = board.data;
  const tiles = computed(() => (data.value ? deskTiles(data.value.queues, data.value.today, t, currentLocale()) : []));
  const kpiTiles = computed(() => (data.value ? data.value.kpis.map((kpi) => kpiBoardTile(kpi, t, currentLocale())) : []));
  const clock = computed(() => clockText(now.value));
  const generatedAt = computed(() => formatDateTime(data.value?.generated_at));
  const connection = computed<SocketStatus>(() => status.value);

  function togglePause(): void {
    paused.value = !paused.value;
    rotation.setPaused(paused.value);
  }

  onMounted(() => {
    rotation.start();
    clockTimer = setInterval(() => (now.value = new Date()), 1000);
  });
  onBeforeUnmount(() => {
    rotation.stop();
    if (clockTimer) clearInterval(clockTimer);
    clockTimer = null;
  });

  return {
    ...board,
    page,
    pages: WALL_PAGES,
    tiles,
    kpiTiles,
    clock,
    generatedAt,
    connection,
    paused,
    intervalSeconds,
    togglePause,
    next: () => rotation.next(),
    go: (target: WallPage) => rotation.go(WALL_PAGES.indexOf(target)),
  };
}
