import {
  getTicket,
  isApiError,
  isConflict,
  isNotFound,
  isProcessRunning,
  listTicketEvents,
  type TicketDetail,
  type TicketEvent,
} from '@hitsm/api';
import { ElMessage } from 'element-plus';
import { computed, onScopeDispose, ref, watch, type Ref } from 'vue';

import { i18n } from '@/i18n';
import { useRealtimeStore } from '@/stores/realtime';

/** Re-read after live frames settle (one reload for a burst). */
const LIVE_RELOAD_MS = 300;

export type Execute = (task: () => Promise<TicketDetail | unknown>, doneMessage?: string) => Promise<boolean>;

/**
 * One ticket and its timeline, kept current: live frames for this ticket reload it, and a
 * conflict (someone else acted first) shows the server's message and reloads. A process that
 * holds the ticket (409 `ticket.process_running`) is no race: that error goes on to the
 * caller, so the dialog keeps what was typed and shows the server's message naming the steps.
 */
export function useTicket(id: Ref<number | null>) {
  const ticket = ref<TicketDetail | null>(null);
  const events = ref<TicketEvent[]>([]);
  const loading = ref(false);
  const notFound = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let generation = 0;

  const allowed = computed(() => new Set<string>(ticket.value?.allowed_actions ?? []));
  /** IT staff may write internal notes; that is also who sees the internal side of things. */
  const isStaff = computed(() => allowed.value.has('note'));

  async function loadEvents(): Promise<void> {
    if (id.value === null) return;
    const current = id.value;
    const rows = await listTicketEvents(current);
    if (current === id.value) events.value = rows;
  }

  async function load(): Promise<void> {
    const current = id.value;
    generation += 1;
    const mine = generation;
    notFound.value = false;
    if (current === null) {
      ticket.value = null;
      events.value = [];
      return;
    }
    loading.value = ticket.value?.id !== current;
    try {
      const [detail, rows] = await Promise.all([getTicket(current), listTicketEvents(current)]);
      if (mine !== generation) return;
      ticket.value = detail;
      events.value = rows;
    } catch (error) {
      if (mine !== generation) return;
      if (isNotFound(error)) {
        notFound.value = true;
        ticket.value = null;
        events.value = [];
        return;
      }
      throw error;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  const execute: Execute = async (task, doneMessage) => {
    try {
      const result = await task();
      if (result && typeof result === 'object' && 'allowed_actions' in result) ticket.value = result as TicketDetail;
      await loadEvents();
      if (doneMessage) ElMessage.success(doneMessage);
      return true;
    } catch (error) {
      if (isConflict(error) && isApiError(error) && !isProcessRunning(error)) {
        ElMessage.warning({ message: error.message || i18n.global.t('ticket.reloaded'), showClose: true });
        await load();
        return false;
      }
      throw error;
    }
  };

  function scheduleReload(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void load().catch(() => undefined);
    }, LIVE_RELOAD_MS);
  }

  const unsubscribe = useRealtimeStore().subscribe((frame) => {
    if (id.value === null) return;
    if ((frame.type === 'ticket.updated' || frame.type === 'ticket.created') && frame.payload.id === id.value) {
      scheduleReload();
    } else if (frame.type === 'ticket.event' && frame.payload.ticket === id.value) {
      scheduleReload();
    }
  });
  onScopeDispose(() => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  });

  watch(id, () => void load(), { immediate: true });

  return { ticket, events, loading, notFound, allowed, isStaff, load, loadEvents, execute };
}
