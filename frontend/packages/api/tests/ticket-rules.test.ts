import { describe, expect, it } from 'vitest';

import {
  ApiError,
  actionButtons,
  isConflict,
  isDeskStaff,
  isItStaff,
  isNotFound,
  isProcessRunning,
  isUnaccepted,
  slaState,
  ticketProgress,
} from '../src';

describe('ticketProgress (已提交 → 已受理 → 处理中 → 已解决)', () => {
  it('maps every status to the step the requester has reached', () => {
    const steps = Object.fromEntries(
      (['new', 'accepted', 'assigned', 'in_progress', 'pending', 'resolved', 'closed'] as const).map((s) => [
        s,
        ticketProgress(s).active,
      ]),
    );
    expect(steps).toEqual({ new: 0, accepted: 1, assigned: 2, in_progress: 2, pending: 2, resolved: 3, closed: 3 });
  });

  it('says when the ticket waits, is finished or was cancelled', () => {
    expect(ticketProgress('pending')).toMatchObject({ waiting: true, finished: false });
    expect(ticketProgress('closed')).toMatchObject({ finished: true, waiting: false });
    expect(ticketProgress('resolved').finished).toBe(false); // still waits for the requester's confirmation
    expect(ticketProgress('cancelled').cancelled).toBe(true);
    expect(ticketProgress(undefined).active).toBe(0);
  });
});

describe('slaState', () => {
  const created = '2026-03-02T08:00:00+08:00';
  const base = { created_at: created, response_due_at: '2026-03-02T08:30:00+08:00', resolution_due_at: '2026-03-02T12:00:00+08:00' };
  const at = (time: string) => new Date(`2026-03-02T${time}:00+08:00`);

  it('watches the response deadline until someone accepts', () => {
    expect(slaState({ ...base, status: 'new' }, at('08:05'))).toEqual({ level: 'ok', due: base.response_due_at, target: 'response' });
    expect(slaState({ ...base, status: 'new' }, at('08:25')).level).toBe('warning');
    expect(slaState({ ...base, status: 'new' }, at('08:31')).level).toBe('breached');
  });

  it('then the resolution deadline: green, amber in the last quarter, red when past', () => {
    expect(slaState({ ...base, status: 'assigned' }, at('09:00'))).toMatchObject({ level: 'ok', target: 'resolution' });
    expect(slaState({ ...base, status: 'in_progress' }, at('11:15')).level).toBe('warning');
    expect(slaState({ ...base, status: 'pending' }, at('12:01')).level).toBe('breached');
  });

  it('is done once resolved, and says so when no deadline is set', () => {
    expect(slaState({ ...base, status: 'resolved' }, at('13:00')).level).toBe('done');
    expect(slaState({ created_at: created, status: 'accepted' }, at('09:00')).level).toBe('none');
  });
});

describe('isUnaccepted', () => {
  it('flags new tickets nobody accepted for more than 30 minutes', () => {
    const ticket = { status: 'new' as const, created_at: '2026-03-02T08:00:00+08:00' };
    expect(isUnaccepted(ticket, new Date('2026-03-02T08:29:00+08:00'))).toBe(false);
    expect(isUnaccepted(ticket, new Date('2026-03-02T08:31:00+08:00'))).toBe(true);
    expect(isUnaccepted({ ...ticket, status: 'accepted' }, new Date('2026-03-02T09:00:00+08:00'))).toBe(false);
  });

  it('uses the threshold the server configured when it is given', () => {
    const ticket = { status: 'new' as const, created_at: '2026-03-02T08:00:00+08:00' };
    expect(isUnaccepted(ticket, new Date('2026-03-02T08:11:00+08:00'), 10)).toBe(true);
    expect(isUnaccepted(ticket, new Date('2026-03-02T08:59:00+08:00'), 60)).toBe(false);
  });
});

describe('actionButtons', () => {
  it('shows exactly the transitions the server allows, in working order', () => {
    const buttons = actionButtons(['cancel', 'reply', 'note', 'assign', 'accept', 'escalate', 'update', 'link']);
    expect(buttons.map((b) => b.action)).toEqual(['accept', 'assign', 'escalate', 'cancel']);
  });

  it('opens a dialog where the server needs more than a click', () => {
    const byAction = Object.fromEntries(
      actionButtons(['accept', 'assign', 'start', 'pend', 'resume', 'resolve', 'confirm', 'close', 'reopen', 'cancel', 'escalate', 'transfer']).map(
        (b) => [b.action, b.dialog],
      ),
    );
    expect(byAction).toEqual({
      accept: false,
      start: false,
      assign: true,
      resume: false,
      pend: true,
      resolve: true,
      confirm: false,
      reopen: true,
      close: true,
      transfer: true,
      escalate: true,
      cancel: true,
    });
  });

  it("gives a requester on a resolved ticket only confirm and reopen, confirm as the primary one", () => {
    const buttons = actionButtons(['confirm', 'reopen', 'reply']);
    expect(buttons).toEqual([
      { action: 'confirm', dialog: false, primary: true, danger: false },
      { action: 'reopen', dialog: true, primary: false, danger: false },
    ]);
  });

  it('shows nothing when nothing is allowed', () => {
    expect(actionButtons([])).toEqual([]);
  });
});

describe('error kinds', () => {
  it('treats conflicts and invalid transitions as "someone else acted first"', () => {
    expect(isConflict(new ApiError(409, 'conflict', '该工单刚被陈工 受理'))).toBe(true);
    expect(isConflict(new ApiError(409, 'ticket.invalid_transition', '不能执行'))).toBe(true);
    expect(isConflict(new ApiError(400, 'validation_error', 'x'))).toBe(false);
    expect(isConflict(new Error('x'))).toBe(false);
  });

  it('tells a process holding the ticket apart from someone acting first', () => {
    const held = new ApiError(409, 'ticket.process_running', '工单的流程尚未完成，请先完成流程环节：根因分析');
    expect(isProcessRunning(held)).toBe(true);
    expect(isConflict(held)).toBe(true);
    expect(isProcessRunning(new ApiError(409, 'conflict', 'x'))).toBe(false);
    expect(isProcessRunning(new Error('x'))).toBe(false);
  });

  it('recognises a ticket the user may not see', () => {
    expect(isNotFound(new ApiError(404, 'not_found', '未找到'))).toBe(true);
    expect(isNotFound(new ApiError(403, 'permission_denied', 'x'))).toBe(false);
  });
});

describe('who works tickets', () => {
  const as = (...roles: string[]) => ({ roles, is_superuser: false }) as Parameters<typeof isItStaff>[0];

  it('offers the agent views to IT staff only', () => {
    expect(isItStaff(as('engineer'))).toBe(true);
    expect(isItStaff(as('agent'))).toBe(true);
    expect(isItStaff(as('manager'))).toBe(true);
    expect(isItStaff(as('requester'))).toBe(false);
    expect(isItStaff(as('auditor'))).toBe(false);
    expect(isItStaff(null)).toBe(false);
    expect(isItStaff({ roles: [], is_superuser: true })).toBe(true);
  });

  it('counts agents and managers as the desk, engineers not', () => {
    expect(isDeskStaff(as('agent'))).toBe(true);
    expect(isDeskStaff(as('manager'))).toBe(true);
    expect(isDeskStaff(as('engineer'))).toBe(false);
    expect(isDeskStaff(as('requester'))).toBe(false);
  });
});
