/**
 * The HTTP calls a ticket's processes make (`http_webhook` steps), as the process card shows
 * them to IT staff: which instance a call belongs to, the host it goes to, how its status
 * reads, and who may decide a call left to a person. Pure functions, unit tested.
 */
import type { Me, Role, WorkflowInstance, WorkflowWebhook, WorkflowWebhookStatus } from '@hitsm/api';

/** Who may retry or skip a call left to a person (hitsm/workflow/api/views.py `WebhookPolicy`). */
export const WEBHOOK_DECIDERS: readonly Role[] = ['manager', 'admin'];

export function canDecideWebhooks(me: Pick<Me, 'roles' | 'is_superuser'> | null | undefined): boolean {
  return Boolean(me && (me.is_superuser || me.roles.some((role) => WEBHOOK_DECIDERS.includes(role))));
}

/** `https://hr.example.org:8443/hooks` → `hr.example.org:8443`; the text itself when it is no URL. */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Element Plus tag type per status; the label (i18n) always says it in words as well. */
export function webhookTagType(status: WorkflowWebhookStatus): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  switch (status) {
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'warning';
    case 'manual':
      return 'danger';
    case 'pending':
      return 'primary';
    default:
      return 'info';
  }
}

/**
 * The calls of one instance. A call names its process and step, not its instance: it belongs
 * to the instance of that process whose version has the step and that started last before the
 * call was made (a ticket rarely runs the same process twice, and then one after the other).
 */
export function webhooksOf(instance: WorkflowInstance, instances: readonly WorkflowInstance[], calls: readonly WorkflowWebhook[]): WorkflowWebhook[] {
  const time = (value: string | null | undefined) => (value ? Date.parse(value) : Number.NaN);
  return calls.filter((call) => {
    const owners = instances.filter(
      (candidate) =>
        candidate.process_name === call.process_name && call.node_id in (candidate.nodes ?? {}) && !(time(candidate.started_at) > time(call.created_at)),
    );
    const owner = owners.reduce<WorkflowInstance | null>((best, candidate) => (!best || time(candidate.started_at) >= time(best.started_at) ? candidate : best), null);
    return owner?.id === instance.id;
  });
}

/** Calls that fit none of the instances shown (e.g. its instance is no longer listed): shown apart, never lost. */
export function unassignedWebhooks(instances: readonly WorkflowInstance[], calls: readonly WorkflowWebhook[]): WorkflowWebhook[] {
  const assigned = new Set(instances.flatMap((instance) => webhooksOf(instance, instances, calls).map((call) => call.id)));
  return calls.filter((call) => !assigned.has(call.id));
}
