import { getTicketSla, isNotFound, type TicketSla } from '@hitsm/api';
import { onScopeDispose, ref, watch, type Ref } from 'vue';

import { useRealtimeStore } from '@/stores/realtime';

/**
 * Each read returns the numbers of that moment (computed from the ticket's timeline, nothing
 * stored), so the bar only moves as often as it is read: this often while the ticket is on screen.
 */
export const SLA_POLL_MS = 15_000;
/** Re-read after live frames settle (one read for a burst). */
const LIVE_RELOAD_MS = 300;

/**
 * A ticket's SLA clocks (with the covering policy's name and warning thresholds), kept current
 * while shown: read again every {@link SLA_POLL_MS} (when the tab is visible), whenever
 * `revision` changes (the ticket was reloaded after a change), and on a live frame about this
 * ticket: `ticket.updated` (also pushed when the SLA scanner fires a warning, breach or
 * escalation) or an SLA notification linking to it.
 */
export function useTicketSla(ticketId: Ref<number | null>, revision: Ref<unknown>) {
  const sla = ref<TicketSla | null>(null);
  /** When the numbers shown were computed (the time the answer arrived). */
  const readAt = ref(new Date());
  const loading = ref(false);
  const failed = ref(false);
  let generation = 0;
  let liveTimer: ReturnType<typeof setTimeout> | null = null;

  async function load(): Promise<void> {
    const id = ticketId.value;
    generation += 1;
    const mine = generation;
    if (id === null) {
      sla.value = null;
      return;
    }
    loading.value = sla.value === null;
    try {
      const answer = await getTicketSla(id);
      if (mine !== generation) return;
      sla.value = answer;
      readAt.value = new Date();
      failed.value = false;
    } catch (error) {
      if (mine !== generation) return;
      // A ticket that vanished is the detail's business; a network blip keeps the last numbers.
      if (isNotFound(error)) sla.value = null;
      failed.value = true;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  const poll = setInterval(() => {
    if (typeof document === 'undefined' || !document.hidden) void load();
  }, SLA_POLL_MS);

  const unsubscribe = useRealtimeStore().subscribe((frame) => {
    const id = ticketId.value;
    if (id === null) return;
    const aboutThis =
      (frame.type === 'ticket.updated' && frame.payload.id === id) ||
      // SLA notices reach people outside the ticket's audience too (managers, admins, the escalation group).
      (frame.type === 'notification' && frame.payload.kind.startsWith('sla.') && frame.payload.link === `/tickets/${id}`);
    if (!aboutThis) return;
    if (liveTimer) clearTimeout(liveTimer);
    liveTimer = setTimeout(() => {
      liveTimer = null;
      void load();
    }, LIVE_RELOAD_MS);
  });

  onScopeDispose(() => {
    clearInterval(poll);
    unsubscribe();
    if (liveTimer) clearTimeout(liveTimer);
  });

  watch(
    [ticketId, revision],
    ([id], previous) => {
      if (id !== previous?.[0]) sla.value = null; // another ticket: never show the last one's clock
      void load();
    },
    { immediate: true },
  );

  return { sla, readAt, loading, failed, load };
}
