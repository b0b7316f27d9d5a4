/**
 * Display rules over ticket data that both apps share: the requester's progress tracker, SLA
 * badges, which transition buttons to show (only what the server lists in `allowed_actions`),
 * and which errors mean "someone else acted first".
 */
import { isApiError } from './errors';
import type { Me, Role, TicketAction, TicketStatus, TicketTransition } from './types';

// --- progress tracker (submitted → accepted → in progress → resolved) -----------------------

export const PROGRESS_STEPS = ['submitted', 'accepted', 'in_progress', 'resolved'] as const;
export type ProgressStep = (typeof PROGRESS_STEPS)[number];

export interface TicketProgress {
  /** Index into PROGRESS_STEPS of the step the ticket has reached. */
  active: number;
  /** Confirmed or closed: every step is done. */
  finished: boolean;
  /** Pending: waiting for the requester, a vendor or a change. */
  waiting: boolean;
  cancelled: boolean;
}

const STEP_OF: Record<TicketStatus, number> = {
  new: 0,
  accepted: 1,
  // Dispatched to an engineer: from the requester's side, someone is on it.
  assigned: 2,
  in_progress: 2,
  pending: 2,
  resolved: 3,
  closed: 3,
  cancelled: 0,
};

export function ticketProgress(status: TicketStatus | undefined): TicketProgress {
  const value = status ?? 'new';
  return {
    active: STEP_OF[value] ?? 0,
    finished: value === 'closed',
    waiting: value === 'pending',
    cancelled: value === 'cancelled',
  };
}

export const OPEN_STATUSES: ReadonlySet<TicketStatus> = new Set(['new', 'accepted', 'assigned', 'in_progress', 'pending']);

// --- SLA -------------------------------------------------------------------------------------

export type SlaLevel = 'ok' | 'warning' | 'breached' | 'done' | 'none';

export interface SlaState {
  level: SlaLevel;
  /** The deadline that matters now: response while nobody accepted, resolution after that. */
  due: string | null;
  target: 'response' | 'resolution';
}

/** Amber once less than this share of the allowed time is left. */
export const SLA_WARNING_SHARE = 0.25;

interface SlaInput {
  status?: TicketStatus;
  created_at: string;
  response_due_at?: string | null;
  resolution_due_at?: string | null;
}

export function slaState(ticket: SlaInput, now: Date = new Date()): SlaState {
  const status = ticket.status ?? 'new';
  const target = status === 'new' && ticket.response_due_at ? 'response' : 'resolution';
  const due = target === 'response' ? (ticket.response_due_at ?? null) : (ticket.resolution_due_at ?? null);
  if (!OPEN_STATUSES.has(status)) return { level: 'done', due, target };
  if (!due) return { level: 'none', due, target };
  const end = new Date(due).getTime();
  const start = new Date(ticket.created_at).getTime();
  const left = end - now.getTime();
  if (left < 0) return { level: 'breached', due, target };
  const window = Math.max(1, end - start);
  return { level: left / window < SLA_WARNING_SHARE ? 'warning' : 'ok', due, target };
}

/** The desk's KPI: new and not accepted for more than this many minutes (server default). */
export const UNACCEPTED_MINUTES = 30;

/**
 * Whether a ticket belongs in the "unaccepted" queue. `minutes` is the server's threshold
 * (`GET tickets/queues/` answers it as `unaccepted_minutes`); the default is only a fallback.
 */
export function isUnaccepted(
  ticket: { status?: TicketStatus; created_at: string },
  now: Date = new Date(),
  minutes: number = UNACCEPTED_MINUTES,
): boolean {
  return ticket.status === 'new' && now.getTime() - new Date(ticket.created_at).getTime() > minutes * 60_000;
}

// --- actions ---------------------------------------------------------------------------------

export interface ActionButton {
  action: TicketTransition;
  /** Opens a dialog for the fields the server requires; otherwise runs at once. */
  dialog: boolean;
  /** The main next step: drawn as the primary button. */
  primary: boolean;
  danger: boolean;
}

/** Display order: the usual next step first, the rare and destructive ones last. */
export const TRANSITION_ORDER: readonly TicketTransition[] = [
  'accept',
  'start',
  'assign',
  'resume',
  'pend',
  'resolve',
  'confirm',
  'reopen',
  'close',
  'transfer',
  'escalate',
  'cancel',
];

const DIALOG: ReadonlySet<TicketTransition> = new Set([
  'assign',
  'pend',
  'resolve',
  'reopen',
  'cancel',
  'escalate',
  'transfer',
  'close',
]);
const PRIMARY: ReadonlySet<TicketTransition> = new Set(['accept', 'start', 'resume', 'resolve', 'confirm']);
const DANGER: ReadonlySet<TicketTransition> = new Set(['cancel']);

export function isTransition(action: string): action is TicketTransition {
  return (TRANSITION_ORDER as readonly string[]).includes(action);
}

/** Buttons for exactly the transitions the server allows this user on this ticket, in order. */
export function actionButtons(allowed: readonly (TicketAction | string)[]): ActionButton[] {
  const set = new Set(allowed);
  return TRANSITION_ORDER.filter((action) => set.has(action)).map((action) => ({
    action,
    dialog: DIALOG.has(action),
    primary: PRIMARY.has(action),
    danger: DANGER.has(action),
  }));
}

/** 409 `conflict` / `ticket.invalid_transition`: someone else acted first; reload the ticket. */
export function isConflict(error: unknown): boolean {
  return (
    isApiError(error) && (error.code === 'conflict' || error.code === 'ticket.invalid_transition' || error.status === 409)
  );
}

/**
 * 409 `ticket.process_running`: a process that holds the ticket (`holds_ticket`) still has open
 * steps, so nobody may resolve or close it yet; the message names the steps. Not a race:
 * reloading changes nothing, the message is what the person needs to read.
 */
export function isProcessRunning(error: unknown): boolean {
  return isApiError(error) && error.code === 'ticket.process_running';
}

export function isNotFound(error: unknown): boolean {
  return isApiError(error) && (error.status === 404 || error.code === 'not_found');
}

// --- who works tickets -----------------------------------------------------------------------

/** IT staff (hitsm/accounts/roles.py `IT_STAFF`): they work tickets and write internal notes. */
export const IT_STAFF_ROLES: readonly Role[] = ['agent', 'engineer', 'sysadmin', 'manager', 'admin'];
/** The service desk (servicedesk/selectors.py `DESK_ROLES`): they accept new tickets. */
export const DESK_ROLES: readonly Role[] = ['agent', 'manager', 'admin'];

type RoleHolder = Pick<Me, 'roles' | 'is_superuser'> | null | undefined;

/** Whether to offer the agent views at all; what each person may do is still the server's call. */
export function isItStaff(me: RoleHolder): boolean {
  return Boolean(me && (me.is_superuser || me.roles.some((role) => IT_STAFF_ROLES.includes(role))));
}

/** Whether the person sees (and may accept) every new ticket, not only their groups'. */
export function isDeskStaff(me: RoleHolder): boolean {
  return Boolean(me && (me.is_superuser || me.roles.some((role) => DESK_ROLES.includes(role))));
}
