import type { EventFrame } from '@hitsm/api';
import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue';

import { useRealtimeStore } from '@/stores/realtime';

import { createLiveRefresh, type LiveRefreshOptions } from './live-refresh';

export interface LiveBoard<T> {
  data: Ref<T | null>;
  loading: Ref<boolean>;
  /** The last read failed; the board keeps showing the previous numbers, marked as stale. */
  failed: Ref<boolean>;
  refresh: () => Promise<void>;
}

/**
 * A board's snapshot kept current over the app's one WebSocket (see live-refresh.ts): read on
 * mount, after bursts of frames, on every reconnection and every `periodMs`. `onFrame` sees each
 * frame first (the desk board announces new tickets there).
 */
export function useLiveBoard<T>(
  read: () => Promise<T>,
  options: Omit<LiveRefreshOptions, 'load' | 'onError'> & { onFrame?: (frame: EventFrame) => void } = {},
): LiveBoard<T> {
  const realtime = useRealtimeStore();
  const data = shallowRef<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const failed = ref(false);

  const live = createLiveRefresh({
    ...options,
    load: async () => {
      loading.value = true;
      try {
        data.value = await read();
        failed.value = false;
      } finally {
        loading.value = false;
      }
    },
    onError: () => {
      failed.value = true;
    },
  });

  let unsubscribe: (() => void) | null = null;
  const stopWatch = watch(
    () => realtime.connections,
    (value, before) => {
      if (value > before) void live.refresh();
    },
  );

  onMounted(() => {
    unsubscribe = realtime.subscribe((frame) => {
      options.onFrame?.(frame);
      live.onFrame(frame);
    });
    live.start();
    void live.refresh();
  });
  onBeforeUnmount(() => {
    unsubscribe?.();
    unsubscribe = null;
    stopWatch();
    live.stop();
  });

  return { data, loading, failed, refresh: live.refresh };
}
