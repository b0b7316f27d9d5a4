import type { SocketStatus } from '@hitsm/api';
import { onBeforeUnmount, watch, type Ref } from 'vue';

/**
 * Polling fallback for live data: calls `refresh` every `seconds` while the WebSocket is not
 * open (or always, when `always` returns true — e.g. while a job is still running).
 */
export function useLivePolling(
  status: Ref<SocketStatus>,
  refresh: () => Promise<unknown>,
  seconds: number,
  always: () => boolean = () => false,
): void {
  let timer: ReturnType<typeof setInterval> | null = null;
  let busy = false;

  function tick(): void {
    if (busy || document.hidden) return;
    if (status.value === 'open' && !always()) return;
    busy = true;
    refresh()
      .catch(() => undefined) // the next tick retries; the page already showed the first failure
      .finally(() => {
        busy = false;
      });
  }

  timer = setInterval(tick, seconds * 1000);
  // Coming back from an outage: catch up at once instead of waiting for the next tick.
  watch(status, (now, before) => {
    if (now === 'open' && before !== 'open') tick();
  });
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer);
  });
}
