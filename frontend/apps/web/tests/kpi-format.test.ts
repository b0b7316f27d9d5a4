import type { Kpi } from '@hitsm/api';
import { beforeEach, describe, expect, it } from 'vitest';

import {
  KPI_LAYERS,
  currentPeriod,
  drillParts,
  filtersFromRoute,
  filtersToRoute,
  formatDuration,
  fractionText,
  idealValue,
  isFutureMonth,
  kpiQuery,
  shownValue,
  tileState,
  tileTone,
  toneText,
  trendSeries,
  valueText,
} from '@/components/dashboards/kpi-format';
import { i18n, setLocale } from '@/i18n';

const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});

/** A KPI as the server sends it (hitsm/dashboards/kpis.py kpi_compute). */
function kpi(overrides: Partial<Kpi> = {}): Kpi {
  return {
    code: 'incidents_without_ci',
    layer: 'compliance',
    name: 'x',
    definition: 'd',
    formula: 'f',
    unit: '%',
    available: true,
    higher_is_better: false,
    drillable: true,
    value: 33.3,
    numerator: 1,
    denominator: 3,
    breakdown: [],
    ...overrides,
  };
}

describe('tile state', () => {
  it('tells a KPI not built yet from a month without data and from a number', () => {
    expect(tileState(kpi({ code: 'satisfaction_overall', available: false, value: null }))).toBe('unavailable');
    expect(tileState(kpi({ value: null, numerator: 0, denominator: 0 }))).toBe('empty');
    expect(tileState(kpi({ value: 0 }))).toBe('value');
  });

  it('keeps the five layers in the hospital’s order', () => {
    expect(KPI_LAYERS).toEqual(['satisfaction', 'attainment', 'efficiency', 'compliance', 'workload']);
  });
});

describe('values in Chinese and English', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('shows shares with one decimal and a per cent sign', () => {
    expect(shownValue(kpi(), t, 'zh-CN')).toEqual({ number: '33.3', unit: '%', duration: null });
    expect(shownValue(kpi({ value: 50.0 }), t, 'zh-CN')?.number).toBe('50');
    expect(valueText(66.7, '%', t, 'zh-CN')).toBe('66.7%');
  });

  it('shows minutes also as hours and minutes, from an hour on', () => {
    expect(shownValue(kpi({ unit: 'minutes', value: 750 }), t, 'zh-CN')).toEqual({ number: '750', unit: '分钟', duration: '12 小时 30 分' });
    expect(formatDuration(35, t)).toBeNull();
    expect(formatDuration(1440, t)).toBe('24 小时');
    expect(formatDuration(89.6, t)).toBe('1 小时 30 分');
    setLocale('en');
    expect(formatDuration(750, t)).toBe('12 h 30 min');
    expect(shownValue(kpi({ unit: 'minutes', value: 1234.5 }), t, 'en')?.number).toBe('1,234.5');
  });

  it('counts tickets and says when there is nothing to show', () => {
    expect(valueText(2, 'count', t, 'zh-CN')).toBe('2 张');
    expect(valueText(null, 'count', t, 'zh-CN')).toBe('本期无数据');
    expect(shownValue(kpi({ available: false, value: null }), t, 'zh-CN')).toBeNull();
  });

  it('explains what the number is made of', () => {
    expect(fractionText(kpi(), t)).toBe('1 / 3');
    expect(fractionText(kpi({ unit: 'minutes', value: 35, numerator: null, denominator: 3 }), t)).toBe('基于 3 张工单');
    expect(fractionText(kpi({ code: 'tickets_per_engineer', unit: 'count', value: 1.5, numerator: 3, denominator: 2 }), t)).toBe('3 张 ÷ 2 人');
    expect(fractionText(kpi({ code: 'overdue', unit: 'count', value: 2, numerator: 2, denominator: null }), t)).toBeNull();
    expect(fractionText(kpi({ value: null, numerator: 0, denominator: 0 }), t)).toBeNull();
  });
});

describe('colour hints only where the ideal value is obvious', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('knows 100% and 0% for shares and zero for failures, and nothing else', () => {
    expect(idealValue({ unit: '%', higher_is_better: true })).toBe(100);
    expect(idealValue({ unit: '%', higher_is_better: false })).toBe(0);
    expect(idealValue({ unit: 'count', higher_is_better: false })).toBe(0);
    expect(idealValue({ unit: 'count', higher_is_better: true })).toBeNull();
    expect(idealValue({ unit: 'minutes', higher_is_better: false })).toBeNull();
  });

  it('is good at the ideal, a warning away from it, and says so in words', () => {
    const attainment = kpi({ code: 'sla_response_attainment', layer: 'attainment', higher_is_better: true, value: 100 });
    expect(tileTone(attainment)).toBe('good');
    expect(toneText(attainment, t)).toBe('已达理想值');
    const missed = { ...attainment, value: 66.7 };
    expect(tileTone(missed)).toBe('warning');
    expect(toneText(missed, t)).toBe('理想值 100%');
    const overdue = kpi({ code: 'overdue', layer: 'efficiency', unit: 'count', value: 2 });
    expect(tileTone(overdue)).toBe('warning');
    expect(toneText(overdue, t)).toBe('理想值 0');
    expect(tileTone({ ...overdue, value: 0 })).toBe('good');
  });

  it('stays neutral for durations, workload, empty months and surveys not yet running', () => {
    expect(tileTone(kpi({ unit: 'minutes', value: 750 }))).toBe('neutral');
    expect(tileTone(kpi({ code: 'escalated_to_change', unit: 'count', higher_is_better: true, value: 4 }))).toBe('neutral');
    expect(tileTone(kpi({ value: null }))).toBe('neutral');
    expect(tileTone(kpi({ available: false, value: null, higher_is_better: true }))).toBe('neutral');
    expect(toneText(kpi({ unit: 'minutes', value: 5 }), t)).toBeNull();
  });
});

describe('drill-down parts', () => {
  it('splits attainment into missed, met and all, missed first', () => {
    const parts = drillParts(kpi({ code: 'sla_resolution_attainment', layer: 'attainment', higher_is_better: true }));
    expect(parts.map((p) => [p.part, t(p.labelKey)])).toEqual([
      ['missed', '未达标'],
      ['numerator', '达标'],
      ['denominator', '全部'],
    ]);
  });

  it('splits the compliance share into incidents without a CI and all incidents', () => {
    expect(drillParts(kpi()).map((p) => [p.part, t(p.labelKey)])).toEqual([
      ['numerator', '未关联配置项'],
      ['denominator', '全部故障单'],
    ]);
  });

  it('gives counts one list and durations or surveys none', () => {
    expect(drillParts(kpi({ code: 'overdue', layer: 'efficiency', unit: 'count' })).map((p) => p.part)).toEqual(['numerator']);
    expect(drillParts(kpi({ code: 'response_time_mean', unit: 'minutes', drillable: false }))).toEqual([]);
    expect(drillParts(kpi({ code: 'satisfaction_overall', available: false, drillable: false }))).toEqual([]);
  });
});

describe('filters', () => {
  const now = new Date('2026-11-30T17:00:00Z'); // already 1 December in Shanghai

  it('starts on the current month in the hospital’s time zone', () => {
    expect(currentPeriod(now)).toBe('2026-12');
    expect(currentPeriod(new Date('2026-11-30T15:59:00Z'))).toBe('2026-11');
  });

  it('sends only the filters that are set', () => {
    const filters = filtersFromRoute({}, now);
    expect(kpiQuery(filters)).toEqual({ period: '2026-12' });
    expect(kpiQuery({ ...filters, department: 4, kind: 'incident', priority: 2 })).toEqual({
      period: '2026-12',
      department: 4,
      kind: 'incident',
      priority: 2,
    });
  });

  it('reads a bookmarked board from the URL and ignores what is not valid', () => {
    const filters = filtersFromRoute({ period: '2026-10', department: '4', group: 'x', engineer: '-1', priority: '9', kind: 'change' }, now);
    expect(filters).toEqual({ period: '2026-10', department: 4, group: null, engineer: null, priority: null, kind: null });
    expect(filtersFromRoute({ period: '2026-13' }, now).period).toBe('2026-12');
    expect(filtersToRoute({ ...filters, kind: 'request', priority: 1 })).toEqual({ period: '2026-10', department: '4', priority: '1', kind: 'request' });
  });

  it('refuses months after the current one', () => {
    expect(isFutureMonth(new Date(2027, 0, 1), now)).toBe(true);
    expect(isFutureMonth(new Date(2026, 11, 1), now)).toBe(false);
    expect(isFutureMonth(new Date(2025, 5, 1), now)).toBe(false);
  });
});

describe('trend', () => {
  it('keeps months without data as gaps, not zeros', () => {
    const series = trendSeries([
      { period: '2026-09', value: null, numerator: 0, denominator: 0 },
      { period: '2026-10', value: 50, numerator: 1, denominator: 2 },
      { period: '2026-11', value: 0, numerator: 0, denominator: 3 },
    ]);
    expect(series).toEqual({ periods: ['2026-09', '2026-10', '2026-11'], values: [null, 50, 0] });
  });
});
