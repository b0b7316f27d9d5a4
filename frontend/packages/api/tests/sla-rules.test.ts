import { describe, expect, it } from 'vitest';

import { clockLevel, requesterClocks, type SlaClock, type SlaNotice, type TicketSla } from '../src';

function clock(patch: Partial<SlaClock> = {}): SlaClock {
  return {
    metric: 'resolution',
    policy_name: '标准服务（工作时间）',
    target_minutes: 480,
    elapsed_minutes: 120,
    percent: 25,
    remaining_minutes: 360,
    state: 'running',
    due_at: '2026-11-23T17:00:00+08:00',
    breached_at: null,
    stopped_at: null,
    pause_reason: '',
    computed_at: '2026-11-23T11:00:00+08:00',
    ...patch,
  };
}

function sla(clocks: SlaClock[], notices: SlaNotice[] = [], warn: number[] = [50, 75, 90]): TicketSla {
  return {
    policy_id: 2,
    policy_name: '标准服务（工作时间）',
    warn_percents: warn,
    clocks,
    notices,
    segments: [],
    pause_statuses: ['pending'],
    calendar_name: '5×8 工作日',
  };
}

const open = { status: 'in_progress', pending_reason: '' } as const;

describe('the requester’s view of the clocks', () => {
  it('promises the due time of each running clock, response first, green then amber then red', () => {
    const response = clock({ metric: 'response', target_minutes: 60, percent: 10, due_at: '2026-11-23T10:00:00+08:00' });
    const [first, second] = requesterClocks(sla([clock(), response]), { status: 'new', pending_reason: '' });
    expect(first).toEqual({
      metric: 'response',
      state: 'ok',
      due: '2026-11-23T10:00:00+08:00',
      doneAt: null,
      percent: 10,
      waitingForYou: false,
      pausedFor: null,
    });
    expect(second?.metric).toBe('resolution');
    expect(requesterClocks(sla([clock({ percent: 50 })]), open)[0]?.state).toBe('warning');
    const over = clock({ state: 'breached', percent: 130, breached_at: '2026-11-23T17:00:00+08:00' });
    expect(requesterClocks(sla([over]), open)[0]).toMatchObject({ state: 'breached', due: '2026-11-23T17:00:00+08:00', percent: 100 });
  });

  it('says a paused clock waits for the requester, or for whom else, and promises no time', () => {
    const paused = clock({ state: 'paused', due_at: null, pause_reason: 'pending' });
    expect(requesterClocks(sla([paused]), { status: 'pending', pending_reason: 'requester' })[0]).toMatchObject({
      state: 'paused',
      due: null,
      waitingForYou: true,
      pausedFor: null,
    });
    expect(requesterClocks(sla([paused]), { status: 'pending', pending_reason: 'vendor' })[0]).toMatchObject({
      waitingForYou: false,
      pausedFor: 'vendor',
    });
    const late = clock({ state: 'paused', due_at: null, percent: 110, breached_at: '2026-11-23T17:00:00+08:00' });
    expect(requesterClocks(sla([late]), { status: 'pending', pending_reason: 'requester' })[0]).toMatchObject({
      state: 'breached',
      waitingForYou: true,
    });
  });

  it('says when a stopped clock stopped and whether it was on time; cancelled clocks are left out', () => {
    const met = clock({ metric: 'response', state: 'met', stopped_at: '2026-11-23T09:10:00+08:00', due_at: null });
    const late = clock({ state: 'breached', stopped_at: '2026-11-24T09:00:00+08:00', breached_at: '2026-11-23T17:00:00+08:00', percent: 140 });
    expect(requesterClocks(sla([met, late]), { status: 'resolved', pending_reason: '' })).toMatchObject([
      { metric: 'response', state: 'met', doneAt: '2026-11-23T09:10:00+08:00', due: null },
      { metric: 'resolution', state: 'late', doneAt: '2026-11-24T09:00:00+08:00', due: null },
    ]);
    expect(requesterClocks(sla([clock({ state: 'cancelled' })]), open)).toEqual([]);
    expect(requesterClocks(sla([clock()]), { status: 'cancelled', pending_reason: '' })).toEqual([]);
    expect(requesterClocks(null, open)).toEqual([]);
  });

  it('turns amber at the policy’s first threshold, or as soon as a warning fired', () => {
    expect(requesterClocks(sla([clock({ percent: 55 })], [], [60]), open)[0]?.state).toBe('ok');
    const fired: SlaNotice = { metric: 'resolution', kind: 'warning', level: 50, elapsed_minutes: 240, fired_at: '2026-11-23T13:00:00+08:00' };
    expect(requesterClocks(sla([clock({ percent: 55 })], [fired], [60]), open)[0]?.state).toBe('warning');
    expect(clockLevel(clock({ percent: 100.1 }))).toBe('breached');
  });
});
