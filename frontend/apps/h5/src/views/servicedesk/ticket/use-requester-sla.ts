import { getTicketSla, requesterClocks, type RequesterClock, type TicketDetail, type TicketSla } from '@hitsm/api';
import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue';

/**
 * The clock moves with time (amber, then red) while nothing else changes, so it is read again
 * this often while the page is visible; on slow ward Wi-Fi a minute is plenty.
 */
export const SLA_REFRESH_MS = 60_000;

/**
 * A ticket's SLA clocks as its requester reads them (`GET tickets/{id}/sla/`, which answers the
 * requester for their own tickets): read when the ticket is shown or changes, and every
 * {@link SLA_REFRESH_MS}. A failed read keeps the last answer (or none): the page then falls
 * back to the ticket's own expected time.
 */
export function useRequesterSla(ticket: Ref<TicketDetail | null>): {
  clocks: ComputedRef<RequesterClock[]>;
  load: () => Promise<void>;
} {
  const sla = ref<TicketSla | null>(null);
  let generation = 0;

  async function load(): Promise<void> {
    const id = ticket.value?.id;
    generation += 1;
    const mine = generation;
    if (id === undefined) return;
    try {
      const answer = await getTicketSla(id);
      if (mine === generation) sla.value = answer;
    } catch {
      // keep what is shown; the ticket itself reports its own failures
    }
  }

  const clocks = computed(() => (ticket.value ? requesterClocks(sla.value, ticket.value) : []));

  /** A change of the ticket (accepted, pending, resolved …) changes its clocks. */
  const revision = computed(() => {
    const value = ticket.value;
    return value ? `${value.id}-${value.version ?? ''}-${value.status}-${value.updated_at}` : '';
  });
  watch(
    () => ticket.value?.id,
    (id, previous) => {
      if (id !== previous) sla.value = null; // never show another ticket's clock
    },
  );
  watch(revision, () => void load(), { immediate: true });

  const timer = setInterval(() => {
    if (typeof document === 'undefined' || !document.hidden) void load();
  }, SLA_REFRESH_MS);
  onScopeDispose(() => clearInterval(timer));

  return { clocks, load };
}
