import type { Kpi } from '@hitsm/api';
import { mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { beforeEach, describe, expect, it } from 'vitest';

import KpiTile from '@/components/dashboards/kpi-tile.vue';
import { i18n, setLocale } from '@/i18n';

function kpi(overrides: Partial<Kpi> = {}): Kpi {
  return {
    code: 'incidents_without_ci',
    layer: 'compliance',
    name: 'Incidents without a CI',
    definition: 'def',
    formula: 'formula',
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

const render = (value: Kpi) => mount(KpiTile, { props: { kpi: value }, global: { plugins: [ElementPlus, i18n] } });

describe('KPI tile', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('shows the number, its parts and, in words, how far it is from the ideal', () => {
    const tile = render(kpi());
    expect(tile.get('[data-testid="kpi-tile-value"]').text()).toBe('33.3%');
    expect(tile.get('[data-testid="kpi-tile-fraction"]').text()).toBe('1 / 3');
    expect(tile.get('[data-testid="kpi-tile-tone"]').text()).toBe('理想值 0%');
    expect(tile.attributes('data-tone')).toBe('warning');
    expect(tile.attributes('role')).toBe('button');
  });

  it('opens on click and from the keyboard, but not from the info icon', async () => {
    const tile = render(kpi());
    await tile.trigger('click');
    await tile.trigger('keydown', { key: 'Enter' });
    await tile.get('[data-testid="kpi-tile-info"]').trigger('click');
    expect(tile.emitted('open')).toHaveLength(2);
  });

  it('shows satisfaction as waiting for the surveys, and does not open it', async () => {
    const tile = render(kpi({ code: 'satisfaction_overall', layer: 'satisfaction', available: false, value: null, numerator: null, denominator: null, drillable: false }));
    expect(tile.get('[data-testid="kpi-tile-value"]').text()).toBe('待满意度调查上线');
    expect(tile.attributes('data-state')).toBe('unavailable');
    expect(tile.attributes('tabindex')).toBeUndefined();
    await tile.trigger('click');
    expect(tile.emitted('open')).toBeUndefined();
  });

  it('says when a month has no data instead of showing zero', () => {
    const tile = render(kpi({ value: null, numerator: 0, denominator: 0 }));
    expect(tile.get('[data-testid="kpi-tile-value"]').text()).toBe('本期无数据');
    expect(tile.find('[data-testid="kpi-tile-tone"]').exists()).toBe(false);
  });

  it('shows minutes with hours and minutes beside them', () => {
    const tile = render(kpi({ code: 'resolution_time_median', layer: 'efficiency', unit: 'minutes', value: 750, numerator: null, denominator: 2, drillable: false }));
    expect(tile.get('[data-testid="kpi-tile-value"]').text()).toBe('750分钟');
    expect(tile.get('[data-testid="kpi-tile-duration"]').text()).toBe('12 小时 30 分');
    expect(tile.get('[data-testid="kpi-tile-fraction"]').text()).toBe('基于 2 张工单');
  });

  it('lists the tickets per engineer with bars', () => {
    const tile = render(
      kpi({
        code: 'tickets_per_engineer',
        layer: 'workload',
        unit: 'count',
        higher_is_better: true,
        value: 1.5,
        numerator: 3,
        denominator: 2,
        breakdown: [
          { engineer_id: 1, name: 'Wang', count: 2 },
          { engineer_id: 2, name: 'Zhang', count: 1 },
        ],
      }),
    );
    const rows = tile.findAll('[data-testid="kpi-breakdown-row"]');
    expect(rows.map((row) => row.text())).toEqual(['Wang2', 'Zhang1']);
    expect(rows[1]!.get('.kpi-breakdown__bar').attributes('style')).toContain('width: 50%');
    expect(tile.find('[data-testid="kpi-tile-tone"]').exists()).toBe(false);
  });
});
