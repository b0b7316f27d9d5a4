/**
 * Agent mode on the ticket page: which work buttons an IT staff member gets (exactly what the
 * server lists in `allowed_actions`), what each form needs, and the one endpoint each calls —
 * the same endpoints as the web desk (apps/web components/ticket/run-transition.ts).
 */
import {
  acceptTicket,
  actionButtons,
  assignTicket,
  isApiError,
  isConflict,
  isProcessRunning,
  pendTicket,
  resolveTicket,
  resumeTicket,
  startTicket,
  type PendingReason,
  type ResolutionCode,
  type TicketAction,
  type TicketDetail,
} from '@hitsm/api';

/** `take` = assign to myself ("take it"): how an engineer picks up a ticket of their group. */
export type AgentAction = 'accept' | 'take' | 'start' | 'resume' | 'resolve' | 'pend' | 'assign';
export type FormAction = 'assign' | 'pend' | 'resolve';

/** Phone order: the next step first, hand-overs last. */
const ORDER: readonly AgentAction[] = ['accept', 'take', 'start', 'resume', 'resolve', 'pend', 'assign'];
const FORMS: ReadonlySet<AgentAction> = new Set<AgentAction>(['assign', 'pend', 'resolve']);
const PRIMARY: ReadonlySet<AgentAction> = new Set<AgentAction>(['accept', 'take', 'start', 'resume', 'resolve']);

export const PEND_REASONS = ['requester', 'vendor', 'change', 'other'] as const satisfies readonly PendingReason[];
export const RESOLUTION_CODES = [
  'fixed',
  'workaround',
  'guidance',
  'replaced',
  'not_reproducible',
  'duplicate',
  'no_fault',
] as const satisfies readonly ResolutionCode[];

export interface AgentButton {
  action: AgentAction;
  /** Opens a form for what the server requires; otherwise runs at once. */
  form: boolean;
  /** The usual next step, drawn as the one solid button. */
  primary: boolean;
}

export function isFormAction(action: AgentAction): action is FormAction {
  return FORMS.has(action);
}

/**
 * Buttons for what the server allows this person on this ticket. Taking it oneself rides on
 * `assign` (engineers may not accept, but may assign within their group).
 */
export function agentButtons(
  ticket: { allowed_actions: readonly (TicketAction | string)[]; assignee?: { id: number } | null },
  meId: number | null,
): AgentButton[] {
  const allowed = new Set<string>(actionButtons(ticket.allowed_actions).map((button) => button.action));
  if (allowed.has('assign') && meId !== null && ticket.assignee?.id !== meId) allowed.add('take');
  let primaryTaken = false;
  return ORDER.filter((action) => allowed.has(action)).map((action) => {
    const primary = !primaryTaken && PRIMARY.has(action);
    primaryTaken ||= primary;
    return { action, form: FORMS.has(action), primary };
  });
}

/** Everything an agent form may ask for. */
export interface AgentForm {
  group: number | null;
  assignee: number | null;
  note: string;
  pendReason: PendingReason | '';
  code: ResolutionCode | '';
  notes: string;
}

export function emptyAgentForm(): AgentForm {
  return { group: null, assignee: null, note: '', pendReason: '', code: '', notes: '' };
}

/** Fields each form shows, and those it requires (the same ones the server refuses without). */
export const FORM_FIELDS: Record<FormAction, (keyof AgentForm)[]> = {
  assign: ['group', 'assignee', 'note'],
  pend: ['pendReason', 'note'],
  resolve: ['code', 'notes'],
};
export const REQUIRED_FIELDS: Record<FormAction, (keyof AgentForm)[]> = {
  assign: ['group'],
  pend: ['pendReason', 'note'],
  resolve: ['code', 'notes'],
};

export function missingFields(action: FormAction, form: AgentForm): (keyof AgentForm)[] {
  return REQUIRED_FIELDS[action].filter((field) => {
    const value = form[field];
    return value === null || (typeof value === 'string' && !value.trim());
  });
}

/** The form to open: a dispatch starts from where the ticket is now. */
export function startForm(action: FormAction, ticket: Pick<TicketDetail, 'assignment_group' | 'assignee'>): AgentForm {
  const form = emptyAgentForm();
  if (action === 'assign') {
    form.group = ticket.assignment_group?.id ?? null;
    form.assignee = ticket.assignee?.id ?? null;
  }
  return form;
}

/** Call the one endpoint of an action with the form's values. */
export function runAgentAction(id: number, action: AgentAction, form: AgentForm, meId: number | null): Promise<TicketDetail> {
  switch (action) {
    case 'accept':
      return acceptTicket(id);
    case 'take':
      return assignTicket(id, { assignee: meId });
    case 'start':
      return startTicket(id);
    case 'resume':
      return resumeTicket(id);
    case 'assign':
      return assignTicket(id, { group: form.group, assignee: form.assignee, note: form.note.trim() });
    case 'pend':
      return pendTicket(id, { reason: form.pendReason as PendingReason, note: form.note.trim() });
    case 'resolve':
      return resolveTicket(id, { code: form.code as ResolutionCode, notes: form.notes.trim() });
  }
}

/** Server field names → this form's fields. */
export function formFieldOf(action: AgentAction, server: string): keyof AgentForm | null {
  if (server === 'reason' && action === 'pend') return 'pendReason';
  if (server === 'assignment_group' || server === 'group') return 'group';
  if (['assignee', 'note', 'code', 'notes'].includes(server)) return server as keyof AgentForm;
  return null;
}

/**
 * What a refused action means for the phone: the ticket moved on (reload it), a process still
 * holds it (show the server's words in the form), field errors (show them on the fields) or
 * anything else (the server's message as a toast).
 */
export type AgentFailure =
  | { kind: 'stale'; message: string }
  | { kind: 'blocked'; message: string }
  | { kind: 'fields'; message: string; fields: Partial<Record<keyof AgentForm, string>> }
  | { kind: 'other' };

export function classifyFailure(action: AgentAction, error: unknown): AgentFailure {
  if (!isApiError(error)) return { kind: 'other' };
  if (isProcessRunning(error)) return { kind: 'blocked', message: error.message };
  if (isConflict(error)) return { kind: 'stale', message: error.message };
  const fields: Partial<Record<keyof AgentForm, string>> = {};
  let unplaced = '';
  for (const [server, messages] of Object.entries(error.fields)) {
    const field = formFieldOf(action, server);
    if (field) fields[field] = messages[0] ?? error.message;
    else unplaced ||= messages[0] ?? '';
  }
  if (Object.keys(fields).length) return { kind: 'fields', message: unplaced, fields };
  return { kind: 'other' };
}
