/**
 * How the designer edits a service task's parameters (`<hitsm:param name="…" value="…"/>`):
 * the input each known parameter of a registered action gets, offering only the values the
 * server's publish check accepts (hitsm/workflow/actions.py, webhooks.py,
 * servicedesk/workflow_hooks.py), which parameters apply to the values chosen so far, and the
 * values a newly chosen action starts with. Pure functions, unit tested; anything not listed
 * here stays a text input, so a new server action works before the designer knows it.
 * Every value is written as text, exactly as the engine reads it.
 */

/** A choice of a select: the value written and the i18n key of its label. */
export interface ParamChoice {
  value: string;
  label: string;
}

export type ParamInput =
  | { kind: 'text'; placeholder?: string }
  | { kind: 'select'; choices: readonly ParamChoice[] }
  | { kind: 'number'; min: number; max: number; fallback: number }
  | { kind: 'group' }
  | { kind: 'refs' };

/** `ticket_set_status`: where a process may move its ticket. */
export const TICKET_STATUS_STEPS = ['in_progress', 'pending', 'resumed', 'resolved', 'closed'] as const;
/** `http_webhook`: what happens when the call fails. */
export const WEBHOOK_POLICIES = ['retry', 'ignore', 'manual'] as const;
/** `ticket_set_field`: the fields a process may set (the priority and SLA follow). */
export const TICKET_FIELDS = ['impact', 'urgency'] as const;
export const FIELD_LEVELS = ['1', '2', '3'] as const;
export const PENDING_REASONS = ['requester', 'vendor', 'change', 'other'] as const;
export const RESOLUTION_CODES = ['fixed', 'workaround', 'guidance', 'replaced', 'not_reproducible', 'duplicate', 'no_fault'] as const;
/** `create_linked_ticket`: the practices a ticket hands over to. */
export const LINKED_KINDS = ['problem', 'change', 'improvement'] as const;
export const WEBHOOK_ATTEMPTS = { min: 1, max: 10, fallback: 5 } as const;

/** Parameters with a label of their own (`workflow.action.params.<name>`); others show their name. */
export const LABELLED_PARAMS = [
  'name',
  'value',
  'to',
  'title',
  'body',
  'text',
  'group',
  'status',
  'note',
  'reason',
  'code',
  'field',
  'kind',
  'url',
  'policy',
  'attempts',
  'result',
] as const;

const choices = (values: readonly string[], label: (value: string) => string): ParamChoice[] =>
  values.map((value) => ({ value, label: label(value) }));

/** The value select of `ticket_set_field`, labelled for the chosen field (1 = high). */
function levelChoices(field: string): ParamChoice[] {
  if (field === 'impact' || field === 'urgency') return choices(FIELD_LEVELS, (level) => `ticket.${field}.level_${level}`);
  return choices(FIELD_LEVELS, (level) => `workflow.action.level_${level}`);
}

/** The input for one parameter of one action, given the values chosen so far. */
export function paramInput(action: string, param: string, params: Readonly<Record<string, string>> = {}): ParamInput {
  if (param === 'group') return { kind: 'group' };
  switch (`${action}.${param}`) {
    case 'notify.to':
      return { kind: 'refs' };
    case 'ticket_set_status.status':
      return { kind: 'select', choices: choices(TICKET_STATUS_STEPS, (value) => `workflow.action.status.${value}`) };
    case 'ticket_set_status.reason':
      return { kind: 'select', choices: choices(PENDING_REASONS, (value) => `ticket.pending_reason.${value}`) };
    case 'ticket_set_status.code':
      return { kind: 'select', choices: choices(RESOLUTION_CODES, (value) => `ticket.resolution_code.${value}`) };
    case 'ticket_set_field.field':
      return { kind: 'select', choices: choices(TICKET_FIELDS, (value) => `workflow.action.field.${value}`) };
    case 'ticket_set_field.value':
      return { kind: 'select', choices: levelChoices(params.field ?? '') };
    case 'create_linked_ticket.kind':
      return { kind: 'select', choices: choices(LINKED_KINDS, (value) => `ticket.kind.${value}`) };
    case 'http_webhook.policy':
      return { kind: 'select', choices: choices(WEBHOOK_POLICIES, (value) => `workflow.action.policy.${value}`) };
    case 'http_webhook.attempts':
      return { kind: 'number', ...WEBHOOK_ATTEMPTS };
    case 'http_webhook.url':
      return { kind: 'text', placeholder: 'workflow.action.placeholder_url' };
    case 'http_webhook.result':
      return { kind: 'text', placeholder: 'workflow.action.placeholder_result' };
    default:
      return { kind: 'text' };
  }
}

const HINTS: Record<string, string> = {
  'set_variable.name': 'workflow.action.hint.set_variable_name',
  'notify.to': 'workflow.action.hint.notify_to',
  'ticket_set_status.status': 'workflow.action.hint.status',
  'ticket_set_status.note': 'workflow.action.hint.status_note',
  'ticket_set_field.value': 'workflow.action.hint.field_value',
  'create_linked_ticket.title': 'workflow.action.hint.linked_title',
  'http_webhook.url': 'workflow.action.hint.url',
  'http_webhook.attempts': 'workflow.action.hint.attempts',
  'http_webhook.result': 'workflow.action.hint.result',
};

/** i18n key of a short explanation under a parameter, where one helps (a webhook's policy: what the chosen one does). */
export function paramHint(action: string, param: string, params: Readonly<Record<string, string>> = {}): string | null {
  if (action === 'http_webhook' && param === 'policy') {
    const policy = (WEBHOOK_POLICIES as readonly string[]).includes(params.policy ?? '') ? params.policy : 'retry';
    return `workflow.action.hint.policy_${policy}`;
  }
  return HINTS[`${action}.${param}`] ?? null;
}

/** The parameters shown: a pending reason only when pending, a resolution code only when resolved (or already set). */
export function paramVisible(action: string, param: string, params: Readonly<Record<string, string>>): boolean {
  if (action !== 'ticket_set_status') return true;
  if (param === 'reason') return params.status === 'pending' || Boolean(params.reason);
  if (param === 'code') return params.status === 'resolved' || Boolean(params.code);
  return true;
}

/** The values a newly chosen action starts with (the same the engine assumes when they are empty). */
export function defaultParams(action: string): Record<string, string> {
  if (action === 'http_webhook') return { policy: 'retry', attempts: String(WEBHOOK_ATTEMPTS.fallback) };
  return {};
}

/**
 * One parameter changed: the parameters after it, with values that no longer apply cleared
 * (a pending reason once the status is no longer `pending` …).
 */
export function changeParam(action: string, params: Readonly<Record<string, string>>, param: string, value: string): Record<string, string> {
  const next = { ...params, [param]: value };
  if (action === 'ticket_set_status' && param === 'status') {
    if (value !== 'pending' && 'reason' in next) next.reason = '';
    if (value !== 'resolved' && 'code' in next) next.code = '';
  }
  return next;
}

/** A number parameter as the input shows it; null for empty or not a number. */
export function numberValue(text: string | undefined): number | null {
  const trimmed = (text ?? '').trim();
  if (!trimmed) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** What a number input writes back: a whole number within bounds, or '' when cleared. */
export function numberText(value: number | null | undefined, min: number, max: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return String(Math.min(max, Math.max(min, Math.round(value))));
}
