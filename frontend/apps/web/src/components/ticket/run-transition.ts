import {
  acceptTicket,
  assignTicket,
  cancelTicket,
  closeTicket,
  confirmTicket,
  escalateTicket,
  pendTicket,
  reopenTicket,
  resolveTicket,
  resumeTicket,
  startTicket,
  transferTicket,
  type EscalationKind,
  type PendingReason,
  type ResolutionCode,
  type TicketDetail,
  type TicketTransition,
} from '@hitsm/api';

/** Everything any transition dialog may ask for. */
export interface TransitionForm {
  group: number | null;
  assignee: number | null;
  note: string;
  reason: string;
  pendReason: PendingReason | '';
  code: ResolutionCode | '';
  notes: string;
  escalation: EscalationKind | '';
}

export function emptyTransitionForm(): TransitionForm {
  return { group: null, assignee: null, note: '', reason: '', pendReason: '', code: '', notes: '', escalation: '' };
}

/** Fields each dialog requires (the same ones the server refuses without). */
export const REQUIRED_FIELDS: Partial<Record<TicketTransition, (keyof TransitionForm)[]>> = {
  assign: ['group'],
  pend: ['pendReason', 'note'],
  resolve: ['code', 'notes'],
  reopen: ['reason'],
  cancel: ['reason'],
  escalate: ['escalation', 'reason'],
  transfer: ['group', 'reason'],
};

/** Call the one endpoint of a transition with the dialog's values. */
export function runTransition(id: number, action: TicketTransition, form: TransitionForm): Promise<TicketDetail> {
  switch (action) {
    case 'accept':
      return acceptTicket(id);
    case 'assign':
      return assignTicket(id, { group: form.group, assignee: form.assignee, note: form.note });
    case 'start':
      return startTicket(id);
    case 'pend':
      return pendTicket(id, { reason: form.pendReason as PendingReason, note: form.note });
    case 'resume':
      return resumeTicket(id, form.note);
    case 'resolve':
      return resolveTicket(id, { code: form.code as ResolutionCode, notes: form.notes });
    case 'confirm':
      return confirmTicket(id);
    case 'close':
      return closeTicket(id, form.note);
    case 'reopen':
      return reopenTicket(id, form.reason);
    case 'cancel':
      return cancelTicket(id, form.reason);
    case 'escalate':
      return escalateTicket(id, { kind: form.escalation as EscalationKind, reason: form.reason });
    case 'transfer':
      return transferTicket(id, { group: form.group as number, reason: form.reason });
  }
}
