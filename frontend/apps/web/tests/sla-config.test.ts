import type { SlaEscalation, SlaPolicy } from '@hitsm/api';
import { describe, expect, it } from 'vitest';

import { byDate, weekdayOf } from '@/components/sla/sla-days';
import {
  breaks,
  dayErrors,
  dayRuns,
  formatHours,
  hoursPayload,
  openMinutes,
  parseHours,
  weekHours,
  weekOpenMinutes,
} from '@/views/sla/calendar/use-hours';
import {
  escalationMinutes,
  nextLevel,
  nextOrder,
  policyStandings,
  reorderChanges,
  targetRows,
  targetsPayload,
  warnPercents,
} from '@/views/sla/policies/use-policies';

describe('working hours editor', () => {
  it('reads spans like the server: sorted, full-width comma and dash accepted, empty = closed', () => {
    expect(parseHours('13:00-17:00, 08:00-12:00')).toEqual({
      spans: [
        { start: 480, end: 720 },
        { start: 780, end: 1020 },
      ],
      problem: null,
    });
    expect(parseHours('08:00\uFF0D12:00\uFF0C13:00~17:00').problem).toBeNull();
    expect(parseHours('')).toEqual({ spans: [], problem: null });
    expect(parseHours('00:00-24:00').spans).toEqual([{ start: 0, end: 1440 }]);
  });

  it('finds what the server would refuse: bad format, end before start, overlaps', () => {
    expect(parseHours('8点-12点').problem).toBe('format');
    expect(parseHours('08:00-12:60').problem).toBe('format');
    expect(parseHours('08:00-24:30').problem).toBe('format');
    expect(parseHours('12:00-08:00').problem).toBe('order');
    expect(parseHours('08:00-13:00,12:00-17:00').problem).toBe('overlap');
  });

  it('writes the canonical text, counts open time and shows the lunch break', () => {
    const { spans } = parseHours('8:00-12:00,13:30-17:30');
    expect(formatHours(spans)).toBe('08:00-12:00,13:30-17:30');
    expect(openMinutes(spans)).toBe(480);
    expect(breaks(spans)).toEqual([{ start: 720, end: 810 }]);
  });

  it('sends every weekday, canonical when valid and as typed when not (the server explains)', () => {
    const week = weekHours({ '0': ' 8:00-12:00 ', '1': '12:00-08:00' });
    expect(hoursPayload(week)).toEqual({ '0': '08:00-12:00', '1': '12:00-08:00', '2': '', '3': '', '4': '', '5': '', '6': '' });
    expect(weekOpenMinutes(weekHours({ '0': '08:00-12:00', '6': '08:00-09:00' }))).toBe(300);
  });

  it('puts the server’s per-day messages beside their weekday', () => {
    expect(dayErrors({ 'hours.0': ['时间段 12:00-08:00 结束早于开始'], 'hours.9': ['x'], name: ['y'] })).toEqual({
      '0': '时间段 12:00-08:00 结束早于开始',
    });
  });

  it('summarises a week as runs of days with the same hours', () => {
    const fiveByEight = weekHours(Object.fromEntries(['0', '1', '2', '3', '4'].map((d) => [d, '08:00-12:00,13:00-17:00'])));
    expect(dayRuns(fiveByEight)).toEqual([
      { from: '0', to: '4', hours: '08:00-12:00,13:00-17:00' },
      { from: '5', to: '6', hours: '' },
    ]);
  });

  it('knows the weekday of a date the way the server numbers it (0 = Monday)', () => {
    expect(weekdayOf('2026-02-14')).toBe(5); // a Saturday make-up working day
    expect(weekdayOf('2026-02-16')).toBe(0);
    expect(byDate([{ date: '2026-10-01' }, { date: '2026-02-16' }]).map((d) => d.date)).toEqual(['2026-02-16', '2026-10-01']);
  });
});

const policy = (id: number, patch: Partial<SlaPolicy> = {}): SlaPolicy => ({
  id,
  code: `p${id}`,
  name: `策略${id}`,
  order: id * 10,
  is_active: true,
  calendar: 1,
  kind: '',
  priorities: [],
  departments: [],
  clinical_critical_only: false,
  pause_statuses: ['pending'],
  warn_percents: [50, 75, 90],
  targets: [1, 2, 3, 4, 5].map((p) => ({ id: p, priority: p as 1, response_minutes: 15, resolution_minutes: 240 })),
  escalations: [],
  ...patch,
});

describe('policies in matching order', () => {
  it('ranks active policies and flags one that an earlier catch-all covers', () => {
    const critical = policy(1, { kind: 'incident', priorities: [1, 2], targets: [{ id: 9, priority: 1, response_minutes: 15, resolution_minutes: 240 }] });
    const standard = policy(2);
    const after = policy(3, { kind: 'request' });
    const off = policy(4, { is_active: false });
    const standings = policyStandings([after, off, standard, critical]);
    expect(standings.get(1)).toEqual({ rank: 1, shadowedBy: null });
    expect(standings.get(2)).toEqual({ rank: 2, shadowedBy: null });
    expect(standings.get(3)?.shadowedBy?.id).toBe(2);
    expect(standings.get(4)).toEqual({ rank: null, shadowedBy: null });
  });

  it('renumbers by tens when a policy moves, saving only the changed ones', () => {
    const list = [policy(1, { order: 10 }), policy(2, { order: 20 }), policy(3, { order: 35 })];
    expect(reorderChanges(list, 3, -1)).toEqual([
      { id: 3, order: 20 },
      { id: 2, order: 30 },
    ]);
    expect(reorderChanges(list, 1, -1)).toEqual([]);
  });

  it('puts a new policy before a trailing catch-all', () => {
    expect(nextOrder([policy(1, { order: 10, kind: 'incident' }), policy(2, { order: 100 })])).toBe(55);
    expect(nextOrder([policy(1, { order: 10, kind: 'incident' })])).toBe(20);
    expect(nextOrder([])).toBe(10);
  });
});

describe('targets, warnings and escalation levels', () => {
  it('lists every priority; a new policy starts from the defaults, an existing one from its targets', () => {
    expect(targetRows(null).map((r) => [r.priority, r.enabled, r.response_minutes, r.resolution_minutes])).toEqual([
      [1, true, 15, 240],
      [2, true, 30, 480],
      [3, true, 60, 1440],
      [4, true, 240, 4320],
      [5, true, 480, 10080],
    ]);
    const rows = targetRows([{ priority: 1, response_minutes: 1, resolution_minutes: 2 }]);
    expect(rows.filter((r) => r.enabled).map((r) => r.priority)).toEqual([1]);
    expect(targetsPayload(rows)).toEqual([{ priority: 1, response_minutes: 1, resolution_minutes: 2 }]);
  });

  it('turns typed warning thresholds into sorted whole percents', () => {
    expect(warnPercents([90, '50', '75%', ' 50 ', 'abc'])).toEqual([50, 75, 90]);
  });

  it('fires a level at the earlier of its two thresholds', () => {
    expect(escalationMinutes({ at_percent: 100, after_minutes: null }, 240)).toBe(240);
    expect(escalationMinutes({ at_percent: 50, after_minutes: 15 }, 240)).toBe(15);
    expect(escalationMinutes({ at_percent: null, after_minutes: null }, 240)).toBeNull();
    const levels = [{ metric: 'resolution', level: 1 }, { metric: 'resolution', level: 3 }, { metric: 'response', level: 1 }] as SlaEscalation[];
    expect(nextLevel(levels, 'resolution')).toBe(4);
    expect(nextLevel([], 'response')).toBe(1);
  });
});
