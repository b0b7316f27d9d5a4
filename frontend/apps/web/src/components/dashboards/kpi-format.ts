/**
 * How a KPI from hitsm/dashboards/kpis.py is shown: its value with unit, the state of its tile,
 * the colour hint and the drill-down parts. Pure functions, so the board, a future wall screen
 * and the tests read the same rules. Labels come from the `kpi.*` locale keys through `t`.
 */
import type { Kpi, KpiLayer, KpiPart, KpiQuery, KpiTrendPoint, UiLocale } from '@hitsm/api';

export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The hospital's five layers (requirement 3.1.3), in the order the board shows them. */
export const KPI_LAYERS: readonly KpiLayer[] = ['satisfaction', 'attainment', 'efficiency', 'compliance', 'workload'];

/** Which tile a KPI needs: not built yet (surveys), no data this month, or a number. */
export type TileState = 'unavailable' | 'empty' | 'value';

export function tileState(kpi: Pick<Kpi, 'available' | 'value'>): TileState {
  if (!kpi.available) return 'unavailable';
  return kpi.value === null ? 'empty' : 'value';
}

export function formatNumber(value: number, locale: UiLocale, digits = 1): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: digits }).format(value);
}

/** Working minutes as hours and minutes (`750` → `12 h 30 min`); null under an hour. */
export function formatDuration(minutes: number, t: Translate): string | null {
  const total = Math.round(minutes);
  if (total < 60) return null;
  const h = Math.floor(total / 60);
  const m = total % 60;
  return m ? t('kpi.duration.hours_minutes', { h, m }) : t('kpi.duration.hours', { h });
}

export interface ShownValue {
  /** The large numeral, e.g. `33.3`. */
  number: string;
  /** Its unit, e.g. `%`, `tickets`, `min`. */
  unit: string;
  /** Minutes also as hours and minutes. */
  duration: string | null;
}

export function unitLabel(unit: Kpi['unit'], t: Translate): string {
  return unit === '%' ? '%' : t(`kpi.unit.${unit}`);
}

/** The value of a tile in state `value`; null otherwise. */
export function shownValue(kpi: Pick<Kpi, 'available' | 'value' | 'unit'>, t: Translate, locale: UiLocale): ShownValue | null {
  if (tileState(kpi) !== 'value' || kpi.value === null) return null;
  return {
    number: formatNumber(kpi.value, locale),
    unit: unitLabel(kpi.unit, t),
    duration: kpi.unit === 'minutes' ? formatDuration(kpi.value, t) : null,
  };
}

/** Value and unit in one string (`33.3%`, `2 tickets`), for the chart's tooltip and labels. */
export function valueText(value: number | null, unit: Kpi['unit'], t: Translate, locale: UiLocale): string {
  if (value === null) return t('kpi.tile.no_data');
  const number = formatNumber(value, locale);
  return unit === '%' ? `${number}%` : `${number} ${unitLabel(unit, t)}`;
}

/**
 * The line under the numeral: `1 / 3` for shares, the sample size for durations, people for
 * the per-engineer average. Counts are their own numerator, so they show nothing.
 */
export function fractionText(kpi: Pick<Kpi, 'code' | 'unit' | 'numerator' | 'denominator' | 'value'>, t: Translate): string | null {
  if (kpi.value === null) return null;
  const { numerator, denominator } = kpi;
  if (kpi.code === 'tickets_per_engineer' && numerator !== null && denominator !== null) {
    return t('kpi.tile.per_engineer', { total: numerator, people: denominator });
  }
  if (kpi.unit === '%' && numerator !== null && denominator !== null) {
    return t('kpi.tile.fraction', { numerator, denominator });
  }
  if (kpi.unit === 'minutes' && denominator !== null) return t('kpi.tile.sample', { n: denominator });
  return null;
}

/**
 * The value every month should reach, only where it is obvious without a policy: a share is
 * ideally 100% (higher is better) or 0% (lower is better), and a count of failures (overdue,
 * unaccepted) is ideally zero. Durations, workload counts and averages have no obvious target,
 * so the board does not invent one.
 */
export function idealValue(kpi: Pick<Kpi, 'unit' | 'higher_is_better'>): number | null {
  if (kpi.unit === '%') return kpi.higher_is_better ? 100 : 0;
  if (kpi.unit === 'count' && !kpi.higher_is_better) return 0;
  return null;
}

export type TileTone = 'good' | 'warning' | 'neutral';

export function tileTone(kpi: Pick<Kpi, 'available' | 'value' | 'unit' | 'higher_is_better'>): TileTone {
  const ideal = idealValue(kpi);
  if (ideal === null || tileState(kpi) !== 'value') return 'neutral';
  return kpi.value === ideal ? 'good' : 'warning';
}

/** The text beside the colour (colour is never the only signal). */
export function toneText(kpi: Pick<Kpi, 'available' | 'value' | 'unit' | 'higher_is_better'>, t: Translate): string | null {
  const tone = tileTone(kpi);
  if (tone === 'neutral') return null;
  if (tone === 'good') return t('kpi.tile.ideal_met');
  const ideal = idealValue(kpi) as number;
  return t('kpi.tile.ideal_missed', { ideal: kpi.unit === '%' ? `${ideal}%` : String(ideal) });
}

export interface DrillPart {
  part: KpiPart;
  labelKey: string;
}

/**
 * The lists a drill-down offers. Attainment splits into missed / met / all (missed first: the
 * tickets a manager asks about); a share into counted / all; a count is one list.
 */
export function drillParts(kpi: Pick<Kpi, 'code' | 'layer' | 'unit' | 'drillable' | 'available'>): DrillPart[] {
  if (!kpi.drillable || !kpi.available) return [];
  if (kpi.layer === 'attainment') {
    return [
      { part: 'missed', labelKey: 'kpi.parts.missed' },
      { part: 'numerator', labelKey: 'kpi.parts.met' },
      { part: 'denominator', labelKey: 'kpi.parts.all' },
    ];
  }
  if (kpi.code === 'incidents_without_ci') {
    return [
      { part: 'numerator', labelKey: 'kpi.parts.without_ci' },
      { part: 'denominator', labelKey: 'kpi.parts.all_incidents' },
    ];
  }
  if (kpi.unit === '%') {
    return [
      { part: 'numerator', labelKey: 'kpi.parts.counted' },
      { part: 'denominator', labelKey: 'kpi.parts.all' },
    ];
  }
  return [{ part: 'numerator', labelKey: 'kpi.detail.tickets_title' }];
}

// --- filters ----------------------------------------------------------------------------------

export interface KpiFilters {
  period: string;
  department: number | null;
  group: number | null;
  engineer: number | null;
  priority: 1 | 2 | 3 | 4 | 5 | null;
  kind: 'incident' | 'request' | null;
}

/** `YYYY-MM` of `now` in the hospital's time zone. */
export function currentPeriod(now: Date = new Date(), timeZone = 'Asia/Shanghai'): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}

export function emptyFilters(now: Date = new Date()): KpiFilters {
  return { period: currentPeriod(now), department: null, group: null, engineer: null, priority: null, kind: null };
}

/** The API's query for the filters: unset filters are left out. */
export function kpiQuery(filters: KpiFilters): KpiQuery {
  const query: KpiQuery = { period: filters.period };
  if (filters.department) query.department = filters.department;
  if (filters.group) query.group = filters.group;
  if (filters.engineer) query.engineer = filters.engineer;
  if (filters.priority) query.priority = filters.priority;
  if (filters.kind) query.kind = filters.kind;
  return query;
}

type RouteQuery = Record<string, unknown>;

function positive(value: unknown): number | null {
  const number = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(number) && number > 0 ? number : null;
}

/** Filters from the page's URL (`/kpi?period=2026-11&department=4`), ignoring what is not valid. */
export function filtersFromRoute(query: RouteQuery, now: Date = new Date()): KpiFilters {
  const filters = emptyFilters(now);
  const period = String(query.period ?? '');
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) filters.period = period;
  filters.department = positive(query.department);
  filters.group = positive(query.group);
  filters.engineer = positive(query.engineer);
  const priority = positive(query.priority);
  if (priority !== null && priority <= 5) filters.priority = priority as KpiFilters['priority'];
  if (query.kind === 'incident' || query.kind === 'request') filters.kind = query.kind;
  return filters;
}

/** The URL query for the filters, so a board can be bookmarked or sent as a link. */
export function filtersToRoute(filters: KpiFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(kpiQuery(filters)).map(([key, value]) => [key, String(value)]));
}

/** Months after the current one cannot be chosen. */
export function isFutureMonth(date: Date, now: Date = new Date()): boolean {
  const month = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
  return month > currentPeriod(now);
}

// --- trend ------------------------------------------------------------------------------------

export interface TrendSeries {
  periods: string[];
  /** null where a month has no data: the line breaks there instead of falling to zero. */
  values: (number | null)[];
}

export function trendSeries(points: readonly KpiTrendPoint[]): TrendSeries {
  return { periods: points.map((p) => p.period), values: points.map((p) => p.value) };
}
